// A layer as docker save stores it: the uncompressed tar, decompressed on the way from the registry, and checked
// against the config's diff_id once its last byte has passed.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { StevedoreError } from '../errors.js';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
/** Decompressed output in blocks this big: fewer, larger file writes. */
const OUTPUT_CHUNK = 1024 * 1024;

function startsWith(chunk: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => chunk[i] === byte);
}

/**
 * Yields the layer's uncompressed bytes. Compression is found from the bytes (gzip, else plain tar), not the media
 * type. A zstd layer is refused: this Node has no zstd decoder, and a docker-archive layer must be a plain tar.
 */
export async function* uncompressedLayer(stored: AsyncIterable<Uint8Array>, diffId: string, what: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  const iterator = stored[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  if (startsWith(head, ZSTD)) {
    await iterator.return?.();
    throw new StevedoreError('UNSUPPORTED', `${what} is zstd-compressed; export it as an oci-archive instead`);
  }
  if (!startsWith(head, GZIP)) {
    for await (const chunk of rest()) {
      hash.update(chunk);
      yield chunk;
    }
  } else {
    // Decompression runs on libuv's threads; its output is pulled as the file takes it, so memory stays flat.
    const gunzip = createGunzip({ chunkSize: OUTPUT_CHUNK });
    const feeding = pipeline(Readable.from(rest()), gunzip, signal ? { signal } : {});
    feeding.catch(() => undefined);
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        hash.update(chunk);
        yield chunk;
      }
      await feeding;
    } catch (error) {
      throw gzipError(error, what);
    }
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== diffId) throw new StevedoreError('DIGEST_MISMATCH', `${what}: uncompressed content hashes to ${actual}, not the config's diff_id ${diffId}`);
}

/**
 * zlib's own errors (Z_DATA_ERROR "incorrect header check", Z_BUF_ERROR "unexpected end of file") name the layer and
 * get a stable code; the source's errors (a StevedoreError already, or a cancel) pass as they are.
 */
function gzipError(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof StevedoreError || typeof code !== 'string' || !code.startsWith('Z_')) return error;
  return new StevedoreError('ARCHIVE_INVALID', `${what}: not valid gzip data (${(error as Error).message})`, {}, { cause: error });
}
