// Block compression with Node's zlib when the libdeflate addon is absent. zlib's asynchronous calls run on libuv's
// thread pool, as the addon's do: no worker threads, so no extra JavaScript heaps (each isolate cost 15-25 MB of RSS)
// and no buffers transferred away from the push's buffer pool.
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { createGzip, deflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import { Limiter } from '../concurrency.js';
import { StevedoreError } from '../errors.js';
import type { BufferPool } from '../push/buffer-pool.js';
import { compressibilitySample, sampleLimit } from './compressibility.js';
import type { GzipEngine, GzipOptions } from './gzip-types.js';

const deflateRawAsync = promisify<InputType, ZlibOptions, Buffer>(deflateRaw);

/** The smallest output buffer Node's zlib accepts (zlib.constants.Z_MIN_CHUNK). */
const MIN_CHUNK = 64;
/** Threads libuv starts with unless UV_THREADPOOL_SIZE says otherwise. */
const LIBUV_THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/** Random or already-compressed bytes are stored (compressibility.ts: the rule both engines share). */
async function incompressible(data: Uint8Array): Promise<boolean> {
  const sample = compressibilitySample(data);
  return sample !== undefined && (await deflateRawAsync(sample, { level: 1 })).length > sampleLimit(sample);
}

/**
 * zlib's deflateBound for a gzip member of `length` bytes. Pooled output buffers all get this capacity for a block
 * size, whatever a block compresses to, so the pool reuses them instead of keeping one of every size.
 */
function bound(length: number): number {
  return length + (length >> 12) + (length >> 14) + (length >> 25) + 13 + 18;
}

/**
 * One gzip member of `data`, compressed on libuv's thread pool. zlib's output buffer holds the whole member, so a
 * block is compressed in one trip to the pool (and one more to finish it) instead of one per 64 KiB of output, each
 * waiting for the main thread to hand the compressor its next buffer.
 */
function gzipMember(data: Uint8Array, level: number, pool: BufferPool | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    let length = 0;
    const stream = createGzip({ level, memLevel: 9, chunkSize: Math.max(MIN_CHUNK, bound(data.length)) });
    stream.on('data', (piece: Buffer) => {
      pieces.push(piece);
      length += piece.length;
    });
    stream.once('error', reject);
    stream.once('end', () => {
      const out = pool ? pool.take(Math.max(length, bound(data.length))).subarray(0, length) : new Uint8Array(length);
      let at = 0;
      for (const piece of pieces) {
        out.set(piece, at);
        at += piece.length;
      }
      resolve(out);
    });
    stream.end(data);
  });
}

export class ZlibGzip implements GzipEngine {
  readonly name: string;
  readonly concurrency: number;
  readonly defaultLevel = 2;
  /**
   * Blocks of a layer in flight, compressing, queued or compressed and waiting for the upload. The compressors only
   * get a layer's next block when its upload takes the oldest one, so a window of one block per compressor left them
   * idle whenever the upload waited for the registry (a socket full, the registry descheduled). Four blocks of slack
   * let compression run ahead of such a pause: on the 1 GB push benchmark, on a busy machine (load ~10 on 2 cores),
   * concurrency + 4 took a push from 31 s to 25 s of wall time against concurrency + 1, with the same CPU time, for
   * ~15 MB more RSS (a compressed block waiting holds ~0.4 MB; a queued one its 1 MB input).
   */
  readonly window: number;
  readonly #limiter: Limiter;
  #closed = false;

  // One compression per core, leaving libuv threads for file reads.
  constructor(concurrency = Math.min(availableParallelism(), LIBUV_THREADS - 1)) {
    this.concurrency = Math.max(1, concurrency);
    this.window = this.concurrency + 4;
    this.#limiter = new Limiter(this.concurrency);
    this.name = `zlib ${process.versions.zlib} (${this.concurrency} at once)`;
  }

  gzip(data: Uint8Array, level: number, options: GzipOptions = {}): Promise<Uint8Array> {
    return this.#limiter.run(() => this.#compress(data, level, options.pool), options.signal);
  }

  async #compress(data: Uint8Array, level: number, pool: BufferPool | undefined): Promise<Uint8Array> {
    if (this.#closed) throw new StevedoreError('CANCELLED', 'compression is closed');
    try {
      return await gzipMember(data, level > 0 && (await incompressible(data)) ? 0 : level, pool);
    } catch (error) {
      throw new StevedoreError('INTERNAL', `compression failed: ${(error as Error).message}`, {}, { cause: error });
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
