// Content digests: hashing bytes and streams, and checking them against what was asked for. sha256, sha384 and
// sha512 are verified; a well-formed digest of another algorithm passes through unverified, and says so.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { VERIFIED_DIGESTS } from '../../shared/digests.js';
import { StevedoreError } from './errors.js';
import { validateDigest } from './reference.js';

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** The algorithm to verify `digest` with, or undefined when it is well formed but of an algorithm we cannot compute. */
export function algorithmOf(digest: string): DigestAlgorithm | undefined {
  validateDigest(digest);
  const algorithm = digest.slice(0, digest.indexOf(':'));
  return algorithm in VERIFIED_DIGESTS ? (algorithm as DigestAlgorithm) : undefined;
}

export function isVerifiable(digest: string): boolean {
  try {
    return algorithmOf(digest) !== undefined;
  } catch {
    return false;
  }
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws DIGEST_MISMATCH when the bytes do not hash to `expected`; false when its algorithm cannot be checked. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): boolean {
  const algorithm = algorithmOf(expected);
  if (algorithm === undefined) return false;
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) {
    throw new StevedoreError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, not the expected ${expected}`);
  }
  return true;
}

/**
 * Passes bytes through, and fails the stream at the end if they do not hash to `expected` or the size is off. For a
 * digest it cannot compute it checks the size only, and `verified` stays false.
 */
export class VerifyingStream extends Transform {
  readonly #hash: Hash | undefined;
  readonly #algorithm: DigestAlgorithm | undefined;
  readonly #expected: string;
  readonly #expectedSize: number | undefined;
  readonly #what: string;
  #size = 0;
  #verified = false;

  constructor(expected: string, what: string, expectedSize?: number) {
    super();
    this.#algorithm = algorithmOf(expected);
    this.#hash = this.#algorithm === undefined ? undefined : createHash(this.#algorithm);
    this.#expected = expected;
    this.#expectedSize = expectedSize;
    this.#what = what;
  }

  /** True once the stream ended with bytes that hash to the expected digest. */
  get verified(): boolean {
    return this.#verified;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#expectedSize !== undefined && this.#size > this.#expectedSize) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: more bytes than the expected ${this.#expectedSize}`));
      return;
    }
    this.#hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#expectedSize !== undefined && this.#size !== this.#expectedSize) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: got ${this.#size} bytes, expected ${this.#expectedSize}`));
      return;
    }
    if (this.#hash === undefined) {
      callback();
      return;
    }
    const actual = `${this.#algorithm}:${this.#hash.digest('hex')}`;
    if (actual !== this.#expected) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: content hashes to ${actual}, not the expected ${this.#expected}`));
      return;
    }
    this.#verified = true;
    callback();
  }
}
