// Compresses a stream block by block on the gzip engine, keeping output in input order, with a bounded number of
// blocks in flight so memory stays flat however large the layer.
import { StevedoreError } from '../errors.js';
import type { GzipEngine } from '../workers/gzip-engine.js';
import type { BufferPool } from './buffer-pool.js';

export interface ParallelGzipOptions {
  readonly level: number;
  readonly blockSize: number;
  /** Blocks compressing at once for this stream. */
  readonly window: number;
  readonly signal?: AbortSignal;
  /** Where input blocks come from and where they and the compressed blocks go back. */
  readonly pool?: BufferPool;
  /**
   * Called once the last block is handed to the engine (or the stream ends early), before the last members are
   * read: a stream taking turns with others ends its turn there, so the next starts reading while this one's last
   * blocks compress and its upload finishes.
   */
  readonly onInputEnd?: () => void;
}

/**
 * Re-slices a byte stream into blocks of exactly `size` bytes (the last may be shorter). Bytes are copied as they
 * arrive, so the input's chunks are garbage at once. Each block is a fresh buffer the consumer owns: it may be
 * transferred to a worker or still be uploading while the next block fills.
 */
export async function* blocks(input: AsyncIterable<Uint8Array>, size: number, pool?: BufferPool): AsyncGenerator<Uint8Array> {
  // A block of no bytes would be yielded again and again without taking any input.
  if (!Number.isSafeInteger(size) || size < 1) throw new StevedoreError('INVALID_ARGUMENT', `a block or chunk size must be a whole number of bytes, at least 1 (got ${size})`);
  let block: Uint8Array | undefined;
  let filled = 0;
  for await (const chunk of input) {
    let offset = 0;
    while (offset < chunk.length) {
      block ??= pool ? pool.take(size) : new Uint8Array(size);
      const take = Math.min(size - filled, chunk.length - offset);
      block.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield block;
        block = undefined;
        filled = 0;
      }
    }
  }
  if (block && filled > 0) yield pool ? block.subarray(0, filled) : block.slice(0, filled);
}

/**
 * Yields gzip members for consecutive blocks of `input`. `onInput` sees every uncompressed byte in order (for the
 * DiffID), before the block is compressed. A yielded member is only valid until the next one is asked for: with a
 * pool, its buffer is reused.
 */
export async function* parallelGzip(input: AsyncIterable<Uint8Array>, engine: GzipEngine, options: ParallelGzipOptions, onInput?: (block: Uint8Array) => void, preBlocked = false): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<Uint8Array>[] = [];
  const { pool } = options;
  // A member goes back to the pool once the next is asked for: its consumer must be done with its bytes by then. The
  // push's is: blob-upload copies members into chunks of its own (blocks()) before asking for more, and gives a chunk
  // back only once the registry answered its request, having read every byte. A member must never be a request body
  // as it is: a socket sends bytes from where they lie, uncopied, whenever the link takes them, and Readable.from
  // (stream-upload) asks for the next chunk once this one is handed on, not once it is sent; a streamed upload copies
  // them (BlobBytes.transient). test/integration/push-buffer-reuse.test.ts catches a member reused too early.
  const next = async function* (): AsyncGenerator<Uint8Array> {
    const member = await (inFlight.shift() as Promise<Uint8Array>);
    yield member;
    pool?.give(member);
  };
  let any = false;
  try {
    for await (const block of preBlocked ? input : blocks(input, options.blockSize, pool)) {
      any = true;
      onInput?.(block);
      const member = engine.gzip(block, options.level, { ...(options.signal ? { signal: options.signal } : {}), ...(pool ? { pool } : {}) });
      inFlight.push(member.finally(() => pool?.give(block)));
      // Keep later blocks from failing unhandled while we wait on earlier ones.
      inFlight[inFlight.length - 1]?.catch(() => undefined);
      if (inFlight.length >= options.window) yield* next();
    }
  } finally {
    options.onInputEnd?.();
  }
  while (inFlight.length > 0) yield* next();
  // No bytes at all (a layer.tar of 0 bytes) still make a gzip stream: one member of nothing. No member would be an
  // empty blob, which no gunzip takes, under a gzip media type.
  if (!any) yield await engine.gzip(new Uint8Array(0), options.level, options.signal ? { signal: options.signal } : {});
}
