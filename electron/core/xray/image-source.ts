// Where an image's layers come from: a registry (blobs verified against their digests as they stream) or an image
// archive on disk (uncompressed or gzip layers, verified against the config's DiffIDs once indexed).
import type { Readable } from 'node:stream';
import type { Platform } from '../../../shared/image.js';
import type { ArchivePlatformImage } from '../../../shared/archive.js';
import { mapLimit } from '../concurrency.js';
import { StevedoreError, isStevedoreError } from '../errors.js';
import { formatReference, manifestReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { parseImageConfig } from '../registry/image-config.js';

export interface XrayLayerRef {
  /** The cache key: the blob digest (registry) or the DiffID (archive). */
  readonly key: string;
  /** sha256 of the uncompressed tar, when the config says it. */
  readonly diffId?: string;
  /** Stored (compressed) size. */
  readonly size: number;
}

export interface XrayImageSource {
  readonly name: string;
  readonly platform: Platform;
  readonly layers: readonly XrayLayerRef[];
  /** Streams the stored bytes of the chosen layers to `onLayer`, several at once where the source allows it. */
  readLayers(indices: readonly number[], onLayer: (index: number, blob: Readable) => Promise<void>, options: { signal?: AbortSignal; concurrency: number }): Promise<void>;
}

export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Picks the platform asked for, the only one there is, or linux/amd64; anything else asks the user to choose. */
export function choosePlatform<T>(candidates: readonly T[], platformOf: (c: T) => Platform, wanted: string | undefined, what: string): T {
  const names = candidates.map((c) => platformName(platformOf(c)));
  if (wanted !== undefined) {
    const at = names.findIndex((n) => n === wanted || n.startsWith(`${wanted}/`));
    if (at < 0) throw new StevedoreError('NOT_FOUND', `${what} has no platform ${wanted} (it has ${names.join(', ') || 'none'})`);
    return candidates[at] as T;
  }
  if (candidates.length === 1) return candidates[0] as T;
  const amd64 = names.indexOf('linux/amd64');
  if (amd64 >= 0) return candidates[amd64] as T;
  throw new StevedoreError('INVALID_ARGUMENT', `${what} has several platforms (${names.join(', ')}): choose a platform`, { choice: 'platform' });
}

export async function registryImageSource(client: RegistryClient, ref: Reference, platform?: string, signal?: AbortSignal): Promise<XrayImageSource> {
  const name = formatReference(ref);
  let fetched = await client.getManifest(ref.repository, manifestReference(ref), signal);
  let declared: Platform | undefined;
  if (fetched.manifest.kind === 'index') {
    const children = fetched.manifest.manifests.filter((d) => d.platform && !(d.platform.os === 'unknown' && d.platform.architecture === 'unknown'));
    const child = choosePlatform(children, (d) => d.platform as Platform, platform, name);
    declared = child.platform;
    fetched = await client.getManifest(ref.repository, child.digest, signal);
  }
  const manifest = fetched.manifest;
  if (manifest.kind !== 'manifest') throw new StevedoreError('UNSUPPORTED', `${name}: ${manifest.kind === 'schema1' ? 'schema 1 manifests' : 'nested indexes'} are not supported by the file view`);
  const config = parseImageConfig(await client.getBlobBytes(ref.repository, manifest.config.digest, signal));
  if (platform !== undefined && declared === undefined) choosePlatform([config], (c) => c, platform, name);
  const diffIds = config.diffIds.length === manifest.layers.length ? config.diffIds : [];
  const layers = manifest.layers.map((l, i) => ({ key: l.digest, size: l.size, ...(diffIds[i] ? { diffId: diffIds[i] } : {}) }));
  return {
    name,
    platform: declared ?? { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) },
    layers,
    async readLayers(indices, onLayer, options) {
      await mapLimit(
        indices,
        options.concurrency,
        async (i) => {
          const layer = layers[i] as XrayLayerRef;
          const { stream } = await client.openBlob(ref.repository, layer.key, { expectedSize: layer.size, ...(options.signal ? { signal: options.signal } : {}) });
          try {
            await onLayer(i, stream);
          } catch (error) {
            throw await digestFirst(error, stream);
          } finally {
            stream.destroy();
          }
        },
        options.signal,
      );
    },
  };
}

/**
 * A blob that does not parse may simply not be the blob asked for: read it to its end, and if it does not match its
 * digest, say that (DIGEST_MISMATCH) rather than what the wrong bytes looked like.
 */
async function digestFirst(error: unknown, blob: Readable): Promise<unknown> {
  if (!isStevedoreError(error, 'ARCHIVE_INVALID') || blob.destroyed) return error;
  try {
    for await (const _chunk of blob) {
      // Draining: the verifying stream checks the digest at the end.
    }
  } catch (mismatch) {
    if (isStevedoreError(mismatch, 'DIGEST_MISMATCH')) return mismatch;
  }
  return error;
}

export async function archiveImageSource(path: string, options: { image?: number; platform?: string; signal?: AbortSignal } = {}): Promise<XrayImageSource> {
  // The archive reader loads only for an archive: a registry image's warm path never needs it.
  const { inspectArchiveHere } = await import('../archive/inspect-archive.js');
  const { source, inspection } = await inspectArchiveHere(path, options.signal);
  const image = inspection.images[options.image ?? 0];
  if (!image) throw new StevedoreError('NOT_FOUND', `${path} has no image ${options.image ?? 0} (it has ${inspection.images.length})`);
  const chosen: ArchivePlatformImage = choosePlatform(image.platforms, (p) => p.platform, options.platform, path);
  const layers = chosen.layers.map((l) => ({ key: l.diffId, diffId: l.diffId, size: l.size }));
  return {
    name: image.names[0] ?? path,
    platform: chosen.platform,
    layers,
    async readLayers(indices, onLayer, opts) {
      const entries = new Map(indices.map((i) => [source.resolve((chosen.layers[i] as { entry: string }).entry).name, i]));
      if (!source.gzipped) {
        await mapLimit(
          indices,
          opts.concurrency,
          async (i) => {
            const stream = source.openEntry((chosen.layers[i] as { entry: string }).entry);
            try {
              await onLayer(i, stream);
            } finally {
              stream.destroy();
            }
          },
          opts.signal,
        );
        return;
      }
      // A gzip-wrapped archive can only be read front to back, once for all its layers.
      await source.streamInOrder(new Set(entries.keys()), async (name, stream) => {
        const i = entries.get(name);
        if (i !== undefined) await onLayer(i, stream);
        else stream.resume();
      }, opts.signal);
    },
  };
}
