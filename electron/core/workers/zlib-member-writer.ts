// One zlib gzip stream that writes member after member, reset between them. A fresh stream per block cost a ~0.5 MB
// compression state and a ~1 MB output buffer per block; the buffers were garbage the moment their block was sent, and
// the GC collected them in bursts: 27 full collections on the 1 GB push benchmark and ~25 MB of RSS that was only
// uncollected garbage. A kept stream allocates both once, and each member is copied into a buffer of the push's pool.
import { constants, createGzip, type Gzip } from 'node:zlib';
import type { BufferPool } from '../push/buffer-pool.js';

/** The smallest output buffer Node's zlib accepts (zlib.constants.Z_MIN_CHUNK). */
const MIN_CHUNK = 64;

/**
 * zlib's deflateBound for a gzip member of `length` bytes. Pooled output buffers all get this capacity for a block
 * size, whatever a block compresses to, so the pool reuses them instead of keeping one of every size.
 */
export function gzipBound(length: number): number {
  return length + (length >> 12) + (length >> 14) + (length >> 25) + 13 + 18;
}

/**
 * Node's zlib streams write their output at `_outOffset` in `_outBuffer` and only allocate a new buffer once that one
 * is full. Once a member is copied out, its bytes may be written over: the offset goes back to the start. A Node
 * without this field still works, allocating as it always did (test/unit/zlib-member-writer.test.ts notices).
 */
interface ReusableOutput {
  _outOffset?: number;
}

/** `reset()` is Node's documented zlib.reset(); its typings only declare it for Deflate and Inflate. */
type ResettableGzip = Gzip & { reset(): void };

export class MemberWriter {
  readonly level: number;
  readonly #stream: ResettableGzip;
  #pieces: Buffer[] = [];
  #length = 0;
  #broken = false;

  /** `outputSize`: the output buffer's size; a member longer than it takes more than one trip to the thread pool. */
  constructor(level: number, outputSize: number) {
    this.level = level;
    this.#stream = createGzip({ level, memLevel: 9, chunkSize: Math.max(MIN_CHUNK, outputSize) }) as ResettableGzip;
    this.#stream.on('data', (piece: Buffer) => {
      this.#pieces.push(piece);
      this.#length += piece.length;
    });
    this.#stream.on('error', () => (this.#broken = true));
  }

  /** False once the stream failed: it is closed rather than used again. */
  get usable(): boolean {
    return !this.#broken;
  }

  /**
   * One gzip member of `data`, compressed on libuv's thread pool, in a buffer the caller owns (taken from `pool` when
   * given). `data` must not change until the promise settles. One member at a time per writer.
   */
  member(data: Uint8Array, pool?: BufferPool): Promise<Uint8Array> {
    this.#pieces = [];
    this.#length = 0;
    return new Promise((resolve, reject) => {
      this.#stream.write(data);
      this.#stream.flush(constants.Z_FINISH, (error?: Error | null) => {
        const pieces = this.#pieces;
        const length = this.#length;
        this.#pieces = [];
        if (error || this.#broken) {
          this.#broken = true;
          reject(error ?? new Error('the zlib stream failed'));
          return;
        }
        const out = pool ? pool.take(Math.max(length, gzipBound(data.length))).subarray(0, length) : new Uint8Array(length);
        let at = 0;
        for (const piece of pieces) {
          out.set(piece, at);
          at += piece.length;
        }
        this.#stream.reset();
        const output = this.#stream as unknown as ReusableOutput;
        if (typeof output._outOffset === 'number') output._outOffset = 0;
        resolve(out);
      });
    });
  }

  close(): void {
    this.#stream.close();
  }
}
