// Turns an archive image into the blobs a push needs, and decides for each: skip (the repository has it), mount
// (another repository of the registry has it), upload as stored, or compress on the way.
import type { ArchiveImage, ArchiveLayer, ArchivePlatformImage, LayerCompression } from '../../../shared/archive.js';
import { blobLabel, type BlobAction, type BlobUse } from '../../../shared/push.js';
import { MediaType } from '../../../shared/media-types.js';
import { mapLimit } from '../concurrency.js';
import type { RegistryClient } from '../registry/client.js';
import { blobPresence } from './blob-presence.js';
import type { LayerCache } from './layer-cache.js';
import type { LayerUse } from './layer-digest.js';
import type { PushedBlob } from './manifests.js';

export type CompressionChoice = 'gzip' | 'keep';

export interface BlobTask {
  readonly id: string;
  readonly kind: 'config' | 'layer';
  readonly entry: string;
  readonly storedSize: number;
  readonly compressOnTheWay: boolean;
  /** How the archive stores the bytes (layers only). */
  readonly compression?: LayerCompression;
  readonly diffId?: string;
  /** Every layer this entry serves: an archive may list one file for several layers, each with its own diff_id. */
  readonly uses?: readonly LayerUse[];
  /** What the uploaded bytes must hash to, when known before reading them. */
  readonly expectedDigest?: string;
  readonly mediaType: string;
  /** For people: `config linux/arm64`, `layer 2/5 linux/amd64`. */
  readonly label?: string;
}

export interface PlannedBlob {
  readonly task: BlobTask;
  readonly action: BlobAction;
  /** Known before transfer for skip and mount. */
  readonly result?: PushedBlob;
  readonly mountFrom?: string;
  /** For a layer skipped or mounted on the layer cache's word: the DiffID its entry was recorded under. */
  readonly uncompressed?: string;
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
  const uses = new Map<string, LayerUse[]>();
  const seen = new Map<string, BlobUse[]>();
  const note = (id: string, use: BlobUse): void => {
    const known = seen.get(id);
    if (known) known.push(use);
    else seen.set(id, [use]);
  };
  for (const platform of image.platforms) {
    const fromOci = platform.manifest !== undefined;
    const configId = configTaskId(platform);
    const name = image.platforms.length > 1 ? platformName(platform) : undefined;
    tasks.set(configId, { id: configId, kind: 'config', entry: platform.config.entry, storedSize: platform.config.size, compressOnTheWay: false, expectedDigest: platform.config.digest, mediaType: platform.config.mediaType });
    note(configId, name ? { platform: name } : {});
    for (const [index, layer] of platform.layers.entries()) {
      const id = layerTaskId(layer);
      const use: LayerUse = { index, diffId: layer.diffId, ...(name ? { platform: name } : {}) };
      const known = uses.get(id);
      if (known) known.push(use);
      else uses.set(id, [use]);
      note(id, { index, of: platform.layers.length, ...(name ? { platform: name } : {}) });
      if (tasks.has(id)) continue;
      const compress = compression === 'gzip' && layer.compression === 'none';
      tasks.set(id, {
        id,
        kind: 'layer',
        entry: layer.entry,
        storedSize: layer.size,
        compressOnTheWay: compress,
        compression: layer.compression,
        diffId: layer.diffId,
        ...(!compress && layer.digest ? { expectedDigest: layer.digest } : {}),
        mediaType: layerMediaType(layer, fromOci, compress),
      });
    }
  }
  return [...tasks.values()].map((task) => ({ ...task, label: blobLabel(task.kind, seen.get(task.id) ?? []), ...(task.kind === 'layer' ? { uses: uses.get(task.id) ?? [] } : {}) }));
}

export function platformName(platform: ArchivePlatformImage): string {
  const { os, architecture, variant } = platform.platform;
  return `${os}/${architecture}${variant ? `/${variant}` : ''}`;
}

/**
 * Cache entries are hints: a compressed blob the cache names for a DiffID is used only when the registry's HEAD agrees
 * on its digest and size (in this repository to skip, in the recorded one to mount); a contradicted entry is dropped.
 */
export async function planBlobs(tasks: readonly BlobTask[], client: RegistryClient, repository: string, cache: LayerCache | undefined, jobs: number, signal?: AbortSignal): Promise<PlannedBlob[]> {
  const registry = client.registry;
  return mapLimit(
    tasks,
    jobs,
    async (task): Promise<PlannedBlob> => {
      if (task.compressOnTheWay) {
        const known = task.diffId ? cache?.get(registry, task.diffId, COMPRESSED_VARIANT) : undefined;
        if (!known || !task.diffId) return { task, action: 'compress' };
        const candidate: PushedBlob = { digest: known.digest, size: known.size, mediaType: task.mediaType };
        const here = await blobPresence(client, repository, candidate, signal, true);
        if (here === 'agrees') return { task, action: 'skip', result: candidate, uncompressed: task.diffId };
        if (here === 'absent' && known.repository !== repository && (await blobPresence(client, known.repository, candidate, signal)) === 'agrees') {
          return { task, action: 'mount', result: candidate, mountFrom: known.repository, uncompressed: task.diffId };
        }
        cache?.forget(registry, task.diffId, COMPRESSED_VARIANT);
        return { task, action: 'compress' };
      }
      if (!task.expectedDigest) return { task, action: 'upload' };
      // The archive's own digest and size: the registry, which addresses blobs by content, must agree on both.
      const candidate: PushedBlob = { digest: task.expectedDigest, size: task.storedSize, mediaType: task.mediaType };
      if ((await blobPresence(client, repository, candidate, signal, true)) === 'agrees') return { task, action: 'skip', result: candidate };
      // A wrong repository only costs a refused mount (the registry checks the digest), then an upload.
      const elsewhere = cache?.get(registry, task.expectedDigest, BLOB_LOCATION)?.repository;
      if (elsewhere && elsewhere !== repository) return { task, action: 'mount', result: candidate, mountFrom: elsewhere };
      return { task, action: 'upload' };
    },
    signal,
  );
}
