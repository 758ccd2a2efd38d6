// The libdeflate addon (electron/native/gzip.c), built by `npm run build` when a C compiler and libdeflate are
// present. Its tasks run on libuv's thread pool, which also serves file reads: at most `concurrency` compress at
// once so reads are never starved.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Limiter } from '../concurrency.js';
import { StevedoreError } from '../errors.js';
import { compressibilitySample, sampleLimit } from './compressibility.js';
import type { GzipEngine, GzipOptions } from './gzip-types.js';
import { unpackedUrl } from './pool.js';

export interface NativeGzipModule {
  readonly version: string;
  /**
   * Writes one gzip member of `data` at the start of `output`; resolves to its length. With a `sample` (at most
   * 64 KiB), a level above 0 becomes 0 (stored) when the sample does not deflate to `sampleLimit` bytes or fewer.
   */
  gzip(data: Uint8Array, output: Uint8Array, level: number, sample?: Uint8Array, sampleLimit?: number): Promise<number>;
  /** The output size gzip() needs for `length` bytes at any level. */
  bound(length: number): number;
}

const ADDON = unpackedUrl(new URL('../../native/stevedore_gzip.node', import.meta.url));

let loaded: NativeGzipModule | null | undefined;

/** The addon, or undefined when it was not built for this platform. */
export function loadNativeGzip(): NativeGzipModule | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(fileURLToPath(ADDON)) as NativeGzipModule;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** Threads libuv starts with unless UV_THREADPOOL_SIZE says otherwise. */
const LIBUV_THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;

export class NativeGzip implements GzipEngine {
  readonly name: string;
  readonly concurrency: number;
  readonly defaultLevel = 1;
  /**
   * Two layers read into the compressors at once, as the zlib engine does: with one, the compressors waited whenever
   * the layer being read waited for the registry (the benchmark's random layer, stored, or a layer's last blocks and
   * final PUT): 2.5 of the 1 GB push's 10.4 core-seconds sat idle, 0.9 with two (5.2 s to 4.3 s of wall time).
   */
  readonly streams = 2;
  readonly #addon: NativeGzipModule;
  readonly #limiter: Limiter;
  #closed = false;

  constructor(addon: NativeGzipModule, concurrency = Math.min(availableParallelism(), LIBUV_THREADS - 1)) {
    this.#addon = addon;
    this.concurrency = Math.max(1, concurrency);
    this.#limiter = new Limiter(this.concurrency);
    this.name = `${addon.version} (native, ${this.concurrency} at once)`;
  }

  gzip(data: Uint8Array, level: number, options: GzipOptions = {}): Promise<Uint8Array> {
    return this.#limiter.run(() => this.#compress(data, level, options), options.signal);
  }

  async #compress(data: Uint8Array, level: number, { pool }: GzipOptions): Promise<Uint8Array> {
    if (this.#closed) throw new StevedoreError('CANCELLED', 'compression is closed');
    const size = this.#addon.bound(data.length);
    const output = pool ? pool.take(size) : new Uint8Array(size);
    try {
      // Judged on the pool thread by the addon, from the sample both engines take (compressibility.ts).
      const sample = level > 0 ? compressibilitySample(data) : undefined;
      const length = sample ? await this.#addon.gzip(data, output, level, sample, sampleLimit(sample)) : await this.#addon.gzip(data, output, level);
      return output.subarray(0, length);
    } catch (error) {
      pool?.give(output);
      throw new StevedoreError('INTERNAL', `compression failed: ${(error as Error).message}`, {}, { cause: error });
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
