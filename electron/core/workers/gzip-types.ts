// What a block compressor offers the push engine, whichever one runs (libdeflate addon or zlib workers).
import type { BufferPool } from '../push/buffer-pool.js';

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
