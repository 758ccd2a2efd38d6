// Block compression for the push engine: libdeflate when the native addon was built (faster), zlib otherwise; both
// on libuv's thread pool, so no extra JavaScript isolates in memory. STEVEDORE_GZIP=zlib forces the fallback.
import type { GzipEngine, GzipOptions } from './gzip-types.js';
import { loadNativeGzip, NativeGzip } from './native-gzip.js';
import { ZlibGzip } from './zlib-gzip.js';

export type { GzipEngine, GzipOptions } from './gzip-types.js';

/** The engine, chosen and started on first use: a push that compresses nothing never loads the addon. */
export function openGzipEngine(concurrency?: number): GzipEngine {
  return new OnFirstUse(() => {
    const native = process.env.STEVEDORE_GZIP === 'zlib' ? undefined : loadNativeGzip();
    return native ? new NativeGzip(native, concurrency) : new ZlibGzip(concurrency);
  });
}

class OnFirstUse implements GzipEngine {
  readonly #open: () => GzipEngine;
  #engine: GzipEngine | undefined;
  #closed = false;

  constructor(open: () => GzipEngine) {
    this.#open = open;
  }

  #started(): GzipEngine {
    if (this.#engine === undefined) {
      this.#engine = this.#open();
      // Closed before it was ever used: it answers as a closed engine does.
      if (this.#closed) void this.#engine.close();
    }
    return this.#engine;
  }

  get name(): string {
    return this.#started().name;
  }

  get concurrency(): number {
    return this.#started().concurrency;
  }

  get window(): number {
    const engine = this.#started();
    return engine.window ?? engine.concurrency;
  }

  get streams(): number {
    return this.#started().streams ?? 1;
  }

  get defaultLevel(): number {
    return this.#started().defaultLevel;
  }

  gzip(data: Uint8Array, level: number, options?: GzipOptions): Promise<Uint8Array> {
    return this.#started().gzip(data, level, options);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#engine?.close();
  }
}
