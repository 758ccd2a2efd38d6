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
 * waiting for the main thread to hand the compressor its next buffer. The member is that buffer itself (its pieces
 * lie one after another in it): a copy into a pooled buffer cost a second ~1 MB buffer per block in flight.
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
      const whole = adjoining(pieces, length);
      if (whole) return resolve(whole);
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

/** The pieces as one view when they lie one after another in one buffer (zlib's output buffer), else undefined. */
function adjoining(pieces: readonly Buffer[], length: number): Uint8Array | undefined {
  const first = pieces[0];
  if (!first) return undefined;
  let end = first.byteOffset;
  for (const piece of pieces) {
    if (piece.buffer !== first.buffer || piece.byteOffset !== end) return undefined;
    end += piece.length;
  }
  return new Uint8Array(first.buffer, first.byteOffset, length);
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
  #closed = false;

  // One compression per core, leaving libuv threads for file reads.
  constructor(concurrency = Math.min(availableParallelism(), LIBUV_THREADS - 1)) {
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
