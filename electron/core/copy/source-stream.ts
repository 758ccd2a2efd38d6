// A registry blob as one byte stream, for a copy's upload to send as its request body as it is: the GET's chunks are
// checked (size, digest) and passed on from 'data' events, without a generator or a promise per chunk between the
// two sockets. Same guarantees as readBlob: a dropped connection is resumed with a Range request, and the stream
// fails with DIGEST_MISMATCH instead of ending when the bytes do not hash to the digest, so the upload is never
// committed. The first `skip` bytes are read and hashed but not passed on (the destination holds them already).
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { algorithmOf } from '../digest.js';
import { StevedoreError, isAbortError } from '../errors.js';
import { DEFAULT_RETRY, backoffDelay, sleep } from '../http/retry.js';
import { RESUME_ATTEMPTS, isTransient, openAt, sourceFailure, type ReadOptions, type SourceBlob } from './source-blob.js';

/** Bytes held ahead of the upload's socket: the GET pauses beyond this, so memory stays flat per blob. */
const READ_AHEAD = 256 * 1024;

export interface StreamOptions extends Omit<ReadOptions, 'checkDigest'> {
  /** Bytes at the start read for the digest but not passed on. */
  readonly skip?: number;
  /** Bytes passed on, per chunk. */
  readonly onPassed?: (bytes: number) => void;
}

export class SourceBlobStream extends Readable {
  readonly #blob: SourceBlob;
  readonly #options: StreamOptions;
  readonly #what: string;
  readonly #algorithm: string | undefined;
  readonly #hash: Hash | undefined;
  #skip: number;
  #body: Readable | undefined;
  #opening = false;
  #opens = 0;
  /** Bytes of the blob read from the source so far. */
  total = 0;
  /** Every byte was read and matched the digest. */
  complete = false;
  /** What this stream failed with (as opposed to its consumer's failure). */
  sourceError: unknown;

  constructor(blob: SourceBlob, options: StreamOptions = {}) {
    super({ highWaterMark: READ_AHEAD });
    this.#blob = blob;
    this.#options = options;
    this.#what = `blob ${blob.client.registry}/${blob.repository}@${blob.digest}`;
    // An algorithm this runtime cannot compute passes through unverified (OCI image spec), its size still checked.
    this.#algorithm = algorithmOf(blob.digest);
    this.#hash = this.#algorithm === undefined ? undefined : createHash(this.#algorithm);
    this.#skip = options.skip ?? 0;
  }

  override _read(): void {
    if (this.#body) this.#body.resume();
    else if (!this.#opening) void this.#open();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The consumer gave up (or this stream failed): the GET is closed with it.
    this.#body?.destroy();
    this.#body = undefined;
    callback(error);
  }

  async #open(): Promise<void> {
    this.#opening = true;
    const { signal } = this.#options;
    for (;;) {
      this.#opens++;
      try {
        if (this.total === this.#blob.size && this.total > 0) {
          this.#finish();
          return;
        }
        const opened = await openAt(this.#blob, this.total, this.#what, signal);
        if (this.destroyed) {
          opened.body.destroy();
          return;
        }
        this.#opening = false;
        this.#attach(opened.body, opened.skip);
        return;
      } catch (error) {
        if (!(await this.#mayResume(error))) return;
      }
    }
  }

  /** After a failure: true once it is worth opening again (waited), false when the stream failed with it. */
  async #mayResume(error: unknown): Promise<boolean> {
    const { signal } = this.#options;
    if (this.destroyed) return false;
    if (isAbortError(error) || signal?.aborted) {
      this.#fail(error);
      return false;
    }
    if (!isTransient(error) || this.#opens >= RESUME_ATTEMPTS) {
      this.#fail(sourceFailure(error, this.#what, this.#opens));
      return false;
    }
    try {
      await sleep(backoffDelay(this.#options.retry ?? DEFAULT_RETRY, this.#opens), signal);
    } catch (aborted) {
      this.#fail(aborted);
      return false;
    }
    if (this.destroyed) return false;
    this.#options.onResume?.(this.total);
    return true;
  }

  #attach(body: Readable, before: number): void {
    this.#body = body;
    let skip = before;
    const size = this.#blob.size;
    body.on('data', (whole: Buffer) => {
      let chunk = whole;
      if (skip > 0) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          return;
        }
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      if (this.total + chunk.length > size) {
        this.#fail(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: more bytes than the ${size} its descriptor gives`));
        return;
      }
      this.#hash?.update(chunk);
      this.total += chunk.length;
      this.#options.onRead?.(chunk.length);
      if (this.#skip > 0) {
        if (this.#skip >= chunk.length) {
          this.#skip -= chunk.length;
          return;
        }
        chunk = chunk.subarray(this.#skip);
        this.#skip = 0;
      }
      this.#options.onPassed?.(chunk.length);
      if (!this.push(chunk)) body.pause();
    });
    body.once('end', () => {
      if (this.#body !== body) return;
      this.#body = undefined;
      this.#finish();
    });
    body.once('error', (error) => {
      if (this.#body !== body) return;
      this.#body = undefined;
      this.#opening = true;
      void this.#mayResume(error).then((again) => {
        this.#opening = false;
        if (again) void this.#open();
      });
    });
  }

  /** The source ended: the stream ends only if the bytes are whole and hash to the digest. */
  #finish(): void {
    const size = this.#blob.size;
    if (this.total !== size) {
      this.#fail(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: got ${this.total} bytes, its descriptor gives ${size}`));
      return;
    }
    if (this.#hash) {
      const actual = `${this.#algorithm ?? ''}:${this.#hash.digest('hex')}`;
      if (actual !== this.#blob.digest) {
        this.#fail(new StevedoreError('DIGEST_MISMATCH', `${this.#what}: content hashes to ${actual}, not the expected ${this.#blob.digest}`));
        return;
      }
    }
    this.complete = true;
    this.push(null);
  }

  #fail(error: unknown): void {
    if (this.destroyed) return;
    this.sourceError = error;
    this.destroy(error instanceof Error ? error : new StevedoreError('INTERNAL', String(error)));
  }
}
