// Compresses a stream block by block on the worker pool, keeping output in input order, with a bounded number of
// blocks in flight so memory stays flat however large the layer.
import type { WorkerPool } from '../workers/pool.js';

export interface ParallelGzipOptions {
  readonly level: number;
  readonly blockSize: number;
  /** Blocks compressing at once for this stream. */
  readonly window: number;
  readonly signal?: AbortSignal;
}

/** Re-slices a byte stream into blocks of exactly `size` bytes (the last may be shorter). */
export async function* blocks(input: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let filled = 0;
  for await (const chunk of input) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(size - filled, chunk.length - offset);
      parts.push(chunk.subarray(offset, offset + take));
      filled += take;
      offset += take;
      if (filled === size) {
        yield concat(parts, filled);
        parts = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield concat(parts, filled);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  // A fresh buffer per block: it is transferred to a worker, so it must own its memory.
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Yields gzip members for consecutive blocks of `input`. `onInput` sees every uncompressed byte in order (for the
 * DiffID), before the block is handed to a worker.
 */
export async function* parallelGzip(input: AsyncIterable<Uint8Array>, pool: WorkerPool, options: ParallelGzipOptions, onInput?: (block: Uint8Array) => void, preBlocked = false): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<Uint8Array>[] = [];
  for await (const block of preBlocked ? input : blocks(input, options.blockSize)) {
    onInput?.(block);
    inFlight.push(pool.run({ kind: 'gzip', level: options.level, data: block }, options.signal));
    // Keep later blocks from failing unhandled while we wait on earlier ones.
    inFlight[inFlight.length - 1]?.catch(() => undefined);
    if (inFlight.length >= options.window) yield await (inFlight.shift() as Promise<Uint8Array>);
  }
  while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Uint8Array>);
}
