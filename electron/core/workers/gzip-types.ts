// What a block compressor offers the push engine, whichever one runs (libdeflate addon or zlib workers).
import type { BufferPool } from '../push/buffer-pool.js';

export interface GzipEngine {
  /** What compresses, as the push benchmark reports it. */
  readonly name: string;
  /** Blocks compressing at once. */
  readonly concurrency: number;
  /**
   * Blocks of one layer in flight (compressing or waiting for a compressor); `concurrency` unless the engine needs
   * some queued to stay busy while the main thread reads, hashes and uploads.
   */
  readonly window?: number;
  /**
   * Layers read into the compressors at once (1 unless said). One keeps them busy while its upload keeps pace; a
   * second keeps them busy while the first waits for the registry (an incompressible layer, stored, uploads at the
   * registry's pace with nothing to compress).
   */
  readonly streams?: number;
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
