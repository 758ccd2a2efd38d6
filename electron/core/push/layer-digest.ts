// The uncompressed digest of a layer (what the config's rootfs.diff_ids name), computed from its stored bytes as they
// pass by: hashed as they are when uncompressed, decompressed on libuv's thread pool and hashed when gzip (or zstd,
// where this Node's zlib has it). The caller feeds the bytes it reads anyway (to upload or to skip past them), so
// checking a layer costs no extra read.
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import type { Transform, TransformOptions } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { LayerCompression } from '../../../shared/archive.js';
import { StevedoreError } from '../errors.js';

/** Decompressed bytes allowed to queue before the reader waits: decompression runs beside the upload, not in step. */
const QUEUE_BYTES = 8 * 1024 * 1024;

const HASHES = new Set(['sha256', 'sha384', 'sha512']);

export interface UncompressedHasher {
  /** Takes the next stored bytes; they must never be reused or changed (decompression may read them later). */
  update(chunk: Uint8Array): Promise<void>;
  /** The digest once every byte was given, or undefined when this compression cannot be read here. */
  digest(): Promise<string | undefined>;
  /** Stops early (the transfer failed). */
  close(): void;
}

/** `algorithm` is the one the expected DiffID uses; diff_ids are sha256 in practice. */
export function uncompressedHasher(compression: LayerCompression, entry: string, algorithm = 'sha256'): UncompressedHasher {
  if (!HASHES.has(algorithm)) return unreadable();
  const hash = createHash(algorithm);
  if (compression === 'none') {
    return {
      update: (chunk) => {
        hash.update(chunk);
        return Promise.resolve();
      },
      digest: () => Promise.resolve(`${algorithm}:${hash.digest('hex')}`),
      close: () => undefined,
    };
  }
  const decompressor = DECOMPRESSORS[compression]?.();
  return decompressor ? decompressingHasher(decompressor, hash, algorithm, entry, compression) : unreadable();
}

// zlib streams hand their options to Transform, which knows this one.
const QUEUE: zlib.ZlibOptions & TransformOptions = { writableHighWaterMark: QUEUE_BYTES };
/** zstd arrived in Node 22.15; this Node may not have it. */
const createZstd = (zlib as unknown as { createZstdDecompress?: (options: TransformOptions) => Transform }).createZstdDecompress;
const DECOMPRESSORS: Readonly<Record<'gzip' | 'zstd', (() => Transform) | undefined>> = {
  gzip: () => zlib.createGunzip(QUEUE),
  zstd: createZstd ? () => createZstd(QUEUE) : undefined,
};

/** True when layers of this compression can be checked against their DiffID here. */
export function canVerify(compression: LayerCompression): boolean {
  return compression === 'none' || DECOMPRESSORS[compression] !== undefined;
}

function unreadable(): UncompressedHasher {
  return { update: () => Promise.resolve(), digest: () => Promise.resolve(undefined), close: () => undefined };
}

function decompressingHasher(stream: Transform, hash: Hash, algorithm: string, entry: string, compression: string): UncompressedHasher {
  let failure: Error | undefined;
  stream.on('data', (data: Buffer) => hash.update(data));
  stream.on('error', (error: Error) => (failure ??= error));
  const corrupt = (error: Error): StevedoreError => new StevedoreError('ARCHIVE_INVALID', `archive entry "${entry}": the ${compression} layer does not decompress (${error.message})`);
  return {
    // Corrupt data is reported by digest(), after the caller checked the stored bytes against their own digest:
    // a tampered blob is named as such, not as a layer that fails to decompress.
    async update(chunk) {
      if (failure) return;
      // once() also settles on 'error', so a failing stream never leaves the reader waiting.
      if (!stream.write(chunk)) await once(stream, 'drain').catch(() => undefined);
    },
    async digest() {
      if (failure) throw corrupt(failure);
      stream.end();
      try {
        await finished(stream);
      } catch (error) {
        throw corrupt(failure ?? (error as Error));
      }
      return `${algorithm}:${hash.digest('hex')}`;
    },
    close() {
      stream.destroy();
    },
  };
}

/** Which layer of which image a blob serves, to name it when it does not match. */
export interface LayerUse {
  /** Position in the config's rootfs.diff_ids. */
  readonly index: number;
  readonly diffId: string;
  /** The platform, when the image has several. */
  readonly platform?: string;
}

export function diffIdMismatch(entry: string, use: LayerUse, actual: string): StevedoreError {
  const where = `rootfs.diff_ids[${use.index}]${use.platform ? ` of ${use.platform}` : ''}`;
  return new StevedoreError('DIGEST_MISMATCH', `archive entry "${entry}": layer content hashes to ${actual}, not the config's diff_id ${use.diffId} (${where})`);
}

export function algorithmOfDigest(digest: string): string {
  return digest.slice(0, Math.max(0, digest.indexOf(':')));
}

/** The digest of `bytes` in the algorithm `like` uses, or undefined when it is not one we can compute. */
export function digestLike(bytes: Uint8Array, like: string): string | undefined {
  const algorithm = algorithmOfDigest(like);
  return HASHES.has(algorithm) ? `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` : undefined;
}

/** A hash in the algorithm `like` uses (sha256 when it names none we know). */
export function hashLike(like: string | undefined): { readonly hash: Hash; readonly algorithm: string } {
  const named = like ? algorithmOfDigest(like) : '';
  const algorithm = HASHES.has(named) ? named : 'sha256';
  return { hash: createHash(algorithm), algorithm };
}

/** Throws for the first layer this entry serves whose diff_id is not `actual`. */
export function checkUses(entry: string, uses: readonly LayerUse[] | undefined, actual: string | undefined): void {
  if (actual === undefined) return;
  const wrong = uses?.find((use) => use.diffId !== actual);
  if (wrong) throw diffIdMismatch(entry, wrong, actual);
}
