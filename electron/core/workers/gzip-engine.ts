// Block compression for the push engine. libdeflate on libuv's thread pool when the native addon was built (faster,
// and no extra JavaScript isolates in memory); zlib on worker threads otherwise. STEVEDORE_GZIP=zlib forces the
// fallback.
import type { BufferPool } from '../push/buffer-pool.js';
import { loadNativeGzip, NativeGzip } from './native-gzip.js';
import { compressionPool, type WorkerPool } from './pool.js';

export interface GzipEngine {
  /** What compresses, as the push benchmark reports it. */
  readonly name: string;
  /** Blocks compressing at once. */
  readonly concurrency: number;
  /** The level that is fastest while still compressing at least as well as skopeo. */
  readonly defaultLevel: number;
  /**
   * One gzip member holding `data`; `data` must not change until the promise settles. The result may be a view of
   * a buffer taken from `pool`, to be given back once read.
   */
  gzip(data: Uint8Array, level: number, options?: GzipOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface GzipOptions {
  readonly signal?: AbortSignal;
  readonly pool?: BufferPool;
}

export function workerGzip(pool: WorkerPool): GzipEngine {
  return {
    name: `zlib ${process.versions.zlib} (${pool.size} worker threads)`,
    concurrency: pool.size,
    defaultLevel: 2,
    gzip: (data, level, options) => pool.run({ kind: 'gzip', level, data }, options?.signal),
    close: () => pool.close(),
  };
}

export function openGzipEngine(concurrency?: number): GzipEngine {
  const native = process.env.STEVEDORE_GZIP === 'zlib' ? undefined : loadNativeGzip();
  return native ? new NativeGzip(native, concurrency) : workerGzip(compressionPool(concurrency));
}
