// Block compression for the push engine: libdeflate when the native addon was built (faster), zlib otherwise; both
// on libuv's thread pool, so no extra JavaScript isolates in memory. STEVEDORE_GZIP=zlib forces the fallback.
import type { GzipEngine } from './gzip-types.js';
import { loadNativeGzip, NativeGzip } from './native-gzip.js';
import { ZlibGzip } from './zlib-gzip.js';

export type { GzipEngine, GzipOptions } from './gzip-types.js';

export function openGzipEngine(concurrency?: number): GzipEngine {
  const native = process.env.STEVEDORE_GZIP === 'zlib' ? undefined : loadNativeGzip();
  return native ? new NativeGzip(native, concurrency) : new ZlibGzip(concurrency);
}
