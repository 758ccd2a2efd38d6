// Block compression with Node's zlib when the libdeflate addon is absent. zlib's asynchronous calls run on libuv's
// thread pool, as the addon's do: no worker threads, so no extra JavaScript heaps (each isolate cost 15-25 MB of RSS)
// and no buffers transferred away from the push's buffer pool.
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { deflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import { Limiter } from '../concurrency.js';
import { StevedoreError } from '../errors.js';
import type { BufferPool } from '../push/buffer-pool.js';
import { compressibilitySample, sampleLimit } from './compressibility.js';
import type { GzipEngine, GzipOptions } from './gzip-types.js';
import { MemberWriter, gzipBound } from './zlib-member-writer.js';

const deflateRawAsync = promisify<InputType, ZlibOptions, Buffer>(deflateRaw);

/** Threads libuv starts with unless UV_THREADPOOL_SIZE says otherwise. */
const LIBUV_THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** A writer's output buffer holds a member of a block this large (the push's block size) in one trip to the pool. */
const OUTPUT_FOR = 1024 * 1024;
/**
 * Idle writers (~1.5 MB each: zlib's state and output buffer) are closed once nothing was compressed for this long, so
 * the app keeps nothing between pushes; blocks follow each other within milliseconds during one.
 */
const IDLE_CLOSE_MS = 2000;

/** Random or already-compressed bytes are stored (compressibility.ts: the rule both engines share). */
async function incompressible(data: Uint8Array): Promise<boolean> {
  const sample = compressibilitySample(data);
  return sample !== undefined && (await deflateRawAsync(sample, { level: 1 })).length > sampleLimit(sample);
}

export class ZlibGzip implements GzipEngine {
  readonly name: string;
  readonly concurrency: number;
  readonly defaultLevel = 2;
  /**
   * Blocks of a layer in flight, compressing, queued or compressed and waiting for the upload. The compressors only
   * get a layer's next block when its upload takes the oldest one, so a window of one block per compressor left them
   * idle whenever the upload waited for the registry (a socket full, the registry descheduled). Slack lets
   * compression run ahead of such a pause: on the 1 GB push benchmark, on a busy machine (load ~10 on 2 cores), four
   * blocks of it took a push from 31 s to 25 s of wall time against one, with the same CPU time. Two layers read at
   * once (`streams`) now, so two blocks each keep as many in flight as four did for one layer, for less memory
   * (a block in flight holds its 1 MB input and a ~1 MB output buffer); a layer read alone still has its upload's
   * look-ahead chunk (4 MiB of compressed blocks) behind its window.
   */
  readonly window: number;
  /**
   * Two layers read into the compressors at once. With one, the compressors idled whenever the layer being read
   * waited for the registry rather than for them: the benchmark's 150 MB random layer is stored (no match search),
   * so its upload ran at the registry's pace while both compressors had nothing to do (traced on a busy machine:
   * 3.5 of the push's 6 idle compressor-seconds; with two layers at once the push left 0.6 idle).
   */
  readonly streams = 2;
  readonly #limiter: Limiter;
  /** Writers not writing now, by level (0 for stored blocks): at most `concurrency` of them write at once. */
  readonly #idle = new Map<number, MemberWriter[]>();
  readonly #idleCloseMs: number;
  #writing = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * One compression more than there are cores, leaving a libuv thread for file reads. With one per core, a core sat
   * idle each time a block finished until the main thread, busy hashing or sending, started the next: 2.1 of 13.6
   * core-seconds on the 1 GB push benchmark, where skopeo idled 0.5. One more keeps a compression ready to take the
   * core (0.7 idle, 6.8 s to 6.2 s of wall time, the same CPU time).
   */
  constructor(concurrency = Math.min(availableParallelism() + 1, LIBUV_THREADS - 1), idleCloseMs = IDLE_CLOSE_MS) {
    this.#idleCloseMs = idleCloseMs;
    this.concurrency = Math.max(1, concurrency);
    this.window = this.concurrency + 2;
    this.#limiter = new Limiter(this.concurrency);
    this.name = `zlib ${process.versions.zlib} (${this.concurrency} at once)`;
  }

  gzip(data: Uint8Array, level: number, options: GzipOptions = {}): Promise<Uint8Array> {
    return this.#limiter.run(() => this.#compress(data, level, options.pool), options.signal);
  }

  async #compress(data: Uint8Array, level: number, pool: BufferPool | undefined): Promise<Uint8Array> {
    if (this.#closed) throw new StevedoreError('CANCELLED', 'compression is closed');
    try {
      const writer = this.#writer(level > 0 && (await incompressible(data)) ? 0 : level);
      try {
        return await writer.member(data, pool);
      } finally {
        this.#release(writer);
      }
    } catch (error) {
      throw new StevedoreError('INTERNAL', `compression failed: ${(error as Error).message}`, {}, { cause: error });
    }
  }

  #writer(level: number): MemberWriter {
    this.#writing++;
    clearTimeout(this.#idleTimer);
    return this.#idle.get(level)?.pop() ?? new MemberWriter(level, gzipBound(OUTPUT_FOR));
  }

  #release(writer: MemberWriter): void {
    this.#writing--;
    if (this.#closed || !writer.usable) return writer.close();
    const idle = this.#idle.get(writer.level);
    if (idle) idle.push(writer);
    else this.#idle.set(writer.level, [writer]);
    if (this.#writing === 0) this.#idleTimer = setTimeout(() => this.#closeIdle(), this.#idleCloseMs).unref();
  }

  #closeIdle(): void {
    for (const writers of this.#idle.values()) for (const writer of writers.splice(0)) writer.close();
    this.#idle.clear();
  }

  /** Writers not writing now, for tests. */
  get idleWriters(): number {
    let count = 0;
    for (const writers of this.#idle.values()) count += writers.length;
    return count;
  }

  close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    this.#closeIdle();
    return Promise.resolve();
  }
}
