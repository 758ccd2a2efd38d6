// Content digests: hashing bytes and streams, and checking them against what was asked for.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StevedoreError } from './errors.js';

export function algorithmOf(digest: string): 'sha256' | 'sha512' {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new StevedoreError('UNSUPPORTED', `unsupported digest algorithm in ${digest}`);
  return algorithm;
}

export function digestOf(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(bytes, algorithmOf(expected));
  if (actual !== expected) {
    throw new StevedoreError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, not the expected ${expected}`);
  }
}

/** Passes bytes through, and fails the stream at the end if they do not hash to `expected` or the size is off. */
export class VerifyingStream extends Transform {
  readonly #hash: Hash;
  readonly #expected: string;
  readonly #expectedSize: number | undefined;
  readonly #what: string;
  #size = 0;

  constructor(expected: string, what: string, expectedSize?: number) {
    super();
    this.#hash = createHash(algorithmOf(expected));
    this.#expected = expected;
    this.#expectedSize = expectedSize;
    this.#what = what;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#expectedSize !== undefined && this.#size > this.#expectedSize) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: more bytes than the expected ${this.#expectedSize}`));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `${algorithmOf(this.#expected)}:${this.#hash.digest('hex')}`;
    if (this.#expectedSize !== undefined && this.#size !== this.#expectedSize) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: got ${this.#size} bytes, expected ${this.#expectedSize}`));
    } else if (actual !== this.#expected) {
      callback(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: content hashes to ${actual}, not the expected ${this.#expected}`));
    } else {
      callback();
    }
  }
}
