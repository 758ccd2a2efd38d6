// Turns an archive image into the blobs a push needs, and decides for each: skip (the repository has it), mount
// (another repository of the registry has it), upload as stored, or compress on the way.
import type { ArchiveImage, ArchiveLayer, ArchivePlatformImage } from '../../../shared/archive.js';
import type { BlobAction } from '../../../shared/push.js';
import { MediaType } from '../../../shared/media-types.js';
import { mapLimit } from '../concurrency.js';
import type { RegistryClient } from '../registry/client.js';
import type { LayerCache } from './layer-cache.js';
import type { PushedBlob } from './manifests.js';

export type CompressionChoice = 'gzip' | 'keep';

export interface BlobTask {
  readonly id: string;
  readonly kind: 'config' | 'layer';
  readonly entry: string;
  readonly storedSize: number;
  readonly compressOnTheWay: boolean;
  readonly diffId?: string;
  /** What the uploaded bytes must hash to, when known before reading them. */
  readonly expectedDigest?: string;
  readonly mediaType: string;
}

export interface PlannedBlob {
  readonly task: BlobTask;
  readonly action: BlobAction;
  /** Known before transfer for skip and mount. */
  readonly result?: PushedBlob;
  readonly mountFrom?: string;
}

export const COMPRESSED_VARIANT = 'gzip';
export const BLOB_LOCATION = 'blob';

function layerMediaType(layer: ArchiveLayer, fromOci: boolean, compress: boolean): string {
  if (!compress) return layer.mediaType;
  return fromOci && layer.mediaType.startsWith('application/vnd.oci.') ? MediaType.ociLayerGzip : MediaType.dockerLayerGzip;
}

export function layerTaskId(layer: ArchiveLayer): string {
  return `layer:${layer.entry}`;
}

export function configTaskId(platform: ArchivePlatformImage): string {
  return `config:${platform.config.digest}`;
}

export function blobTasks(image: ArchiveImage, compression: CompressionChoice): BlobTask[] {
  const tasks = new Map<string, BlobTask>();
  for (const platform of image.platforms) {
    const fromOci = platform.manifest !== undefined;
    const configId = configTaskId(platform);
    tasks.set(configId, { id: configId, kind: 'config', entry: platform.config.entry, storedSize: platform.config.size, compressOnTheWay: false, expectedDigest: platform.config.digest, mediaType: platform.config.mediaType });
    for (const layer of platform.layers) {
      const id = layerTaskId(layer);
      if (tasks.has(id)) continue;
      const compress = compression === 'gzip' && layer.compression === 'none';
      tasks.set(id, {
        id,
        kind: 'layer',
        entry: layer.entry,
        storedSize: layer.size,
        compressOnTheWay: compress,
        diffId: layer.diffId,
        ...(!compress && layer.digest ? { expectedDigest: layer.digest } : {}),
        mediaType: layerMediaType(layer, fromOci, compress),
      });
    }
  }
  return [...tasks.values()];
}

export async function planBlobs(tasks: readonly BlobTask[], client: RegistryClient, repository: string, cache: LayerCache | undefined, jobs: number, signal?: AbortSignal): Promise<PlannedBlob[]> {
  return mapLimit(
    tasks,
    jobs,
    async (task): Promise<PlannedBlob> => {
      const fallback: BlobAction = task.compressOnTheWay ? 'compress' : 'upload';
      let candidate: PushedBlob | undefined;
      let elsewhere: string | undefined;
      if (task.compressOnTheWay && task.diffId) {
        const known = cache?.get(client.registry, task.diffId, COMPRESSED_VARIANT);
        if (known) {
          candidate = { digest: known.digest, size: known.size, mediaType: task.mediaType };
          elsewhere = known.repository;
        }
      } else if (task.expectedDigest) {
        candidate = { digest: task.expectedDigest, size: task.storedSize, mediaType: task.mediaType };
        elsewhere = cache?.get(client.registry, task.expectedDigest, BLOB_LOCATION)?.repository;
      }
      if (!candidate) return { task, action: fallback };
      const size = await client.headBlob(repository, candidate.digest, signal, true);
      if (size !== undefined) return { task, action: 'skip', result: { ...candidate, size } };
      if (elsewhere && elsewhere !== repository) return { task, action: 'mount', result: candidate, mountFrom: elsewhere };
      return { task, action: fallback };
    },
    signal,
  );
}
