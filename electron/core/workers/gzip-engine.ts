// Block compression for the push engine. libdeflate on libuv's thread pool when the native addon was built (faster,
// and no extra JavaScript isolates in memory); zlib on worker threads otherwise. STEVEDORE_GZIP=zlib forces the
// fallback.
import type { GzipEngine } from './gzip-types.js';
import { loadNativeGzip, NativeGzip } from './native-gzip.js';
import { compressionPool, type WorkerPool } from './pool.js';

export type { GzipEngine, GzipOptions } from './gzip-types.js';

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
