// Every layer of an image indexed: from the cache when a layer was seen before (by its digest or DiffID), otherwise
// streamed from its source, indexed, checked against the DiffID the config gives, and only then cached.
import { availableParallelism } from 'node:os';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { LayerIndex } from '../../../shared/xray.js';
import { isStevedoreError, StevedoreError } from '../errors.js';
import type { LayerIndexCache } from './index-cache.js';
import type { XrayImageSource } from './image-source.js';
import type { FramerLimits } from './tar-framer.js';

export interface LayerProgress {
  readonly layer: number;
  readonly bytes: number;
  readonly total: number;
  readonly done: boolean;
  readonly cached: boolean;
}

export interface IndexImageOptions {
  readonly cache?: LayerIndexCache;
  readonly signal?: AbortSignal;
  /** Layers read at once (default: one per core, at least two, so one layer's wait for the network overlaps work). */
  readonly concurrency?: number;
  readonly limits?: FramerLimits;
  /**
   * Parse and hash on the index worker thread, one for all layers (default), or on this thread; decompression runs
   * on libuv's pool either way.
   */
  readonly inWorker?: boolean;
  /** At most about ten calls a second per layer, plus one when each layer is done. */
  readonly onProgress?: (progress: LayerProgress) => void;
}

export interface IndexedImage {
  readonly name: string;
  readonly source: XrayImageSource;
  readonly layers: readonly LayerIndex[];
  /** Layers that came from the cache. */
  readonly cached: number;
}

const PROGRESS_INTERVAL_MS = 100;

class ByteCounter extends Transform {
  #last = 0;
  bytes = 0;
  constructor(private readonly report: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    const now = Date.now();
    if (now - this.#last >= PROGRESS_INTERVAL_MS) {
      this.#last = now;
      this.report(this.bytes);
    }
    callback(null, chunk);
  }
}

export async function indexImage(source: XrayImageSource, options: IndexImageOptions = {}): Promise<IndexedImage> {
  const found = new Map<string, LayerIndex>();
  let cached = 0;
  // Every layer's cache file at once: reads and checks overlap instead of queueing one after another.
  const hits = await Promise.all(
    source.layers.map(async (layer, i) => {
      if (!options.cache || source.layers.findIndex((l) => l.key === layer.key) !== i) return undefined;
      return (await options.cache.get(layer.key)) ?? (layer.diffId ? await options.cache.get(layer.diffId) : undefined);
    }),
  );
  for (const [i, layer] of source.layers.entries()) {
    const hit = hits[i];
    if (hit && (!layer.diffId || hit.diffId === layer.diffId)) {
      found.set(layer.key, hit.digest === layer.key ? hit : { ...hit, digest: layer.key });
      cached++;
      options.onProgress?.({ layer: i, bytes: layer.size, total: layer.size, done: true, cached: true });
    }
  }
  const missing: number[] = [];
  const keys = new Set<string>();
  source.layers.forEach((layer, i) => {
    if (!found.has(layer.key) && !keys.has(layer.key)) {
      keys.add(layer.key);
      missing.push(i);
    }
  });
  if (missing.length === 0) return { name: source.name, source, layers: source.layers.map((l) => found.get(l.key) as LayerIndex), cached };
  // The indexer (tar parser, decompressors, the worker) loads only when a layer is not in the cache.
  const indexLayer = options.inWorker === false ? (await import('./index-layer.js')).indexLayerStream : (await import('./index-in-worker.js')).indexLayerInWorker;
  await source.readLayers(
    missing,
    async (i: number, blob: Readable) => {
      const layer = source.layers[i];
      if (!layer) return;
      const counter = new ByteCounter((bytes) => options.onProgress?.({ layer: i, bytes, total: layer.size, done: false, cached: false }));
      blob.on('error', (error: Error) => counter.destroy(error));
      const indexOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(options.limits ? { limits: options.limits } : {}) };
      const indexed = await indexLayer(blob.pipe(counter), indexOptions).catch((error: unknown) => {
        // The indexer knows a layer only as 'layer': which one, of which image, is said here.
        if (isStevedoreError(error, 'ARCHIVE_INVALID') && error.message.startsWith('layer: ')) throw new StevedoreError('ARCHIVE_INVALID', `${source.name} layer ${i + 1} (${layer.key.replace(/^sha256:/, '').slice(0, 12)}): ${error.message.slice('layer: '.length)}`, error.details, { cause: error });
        throw error;
      });
      if (layer.diffId && indexed.diffId !== layer.diffId) {
        throw new StevedoreError('DIGEST_MISMATCH', `${source.name} layer ${i + 1}: uncompressed content hashes to ${indexed.diffId}, not the DiffID ${layer.diffId} its config gives`);
      }
      const index: LayerIndex = { digest: layer.key, diffId: indexed.diffId, tarSize: indexed.tarSize, entries: indexed.entries };
      found.set(layer.key, index);
      await options.cache?.put([layer.key, indexed.diffId], index);
      options.onProgress?.({ layer: i, bytes: counter.bytes, total: layer.size, done: true, cached: false });
    },
    { concurrency: options.concurrency ?? Math.max(2, availableParallelism()), ...(options.signal ? { signal: options.signal } : {}) },
  );
  const layers = source.layers.map((l) => found.get(l.key) as LayerIndex);
  return { name: source.name, source, layers, cached };
}
