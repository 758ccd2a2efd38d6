// Sends a blob's bytes as one streamed PATCH, skopeo's way, instead of a request per chunk: no re-slicing copy and
// no round trip per chunk. After a dropped connection the registry says how much it holds, and a fresh pass over the
// source sends only the rest; the final PUT is sent only once every byte passed the digest check.
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { hashAlgorithm } from '../archive/blob-digest.js';
import { StevedoreError, isAbortError } from '../errors.js';
import { DEFAULT_RETRY, sleep } from '../http/retry.js';
import { SessionGoneError, type UploadSessions } from '../registry/upload-session.js';
import type { BlobBytes, UploadOptions, Uploaded } from './upload-types.js';
import { RESUME_ATTEMPTS, finishResuming, isTransient, retryDelay, statusAfterFailure } from './upload-resume.js';

/**
 * Bytes read ahead of the socket per blob: enough to keep the source busy while the request waits for the socket to
 * drain, bounded in bytes (not in chunks, whose size varies) so memory stays flat with several blobs at once.
 */
const READ_AHEAD = 256 * 1024;

/** One pass over the source: hashed unless the source checks its own digest, its first `skip` bytes not sent. */
class Pass {
  readonly #bytes: BlobBytes;
  readonly #hash: Hash | undefined;
  readonly #algorithm: string | undefined;
  /** The source reuses a chunk's buffer once the next is asked for (BlobBytes.transient). */
  readonly #transient: boolean;
  #skip: number;
  total = 0;
  complete = false;
  /** What the source threw: that, not the request's failure, is the upload's error. */
  sourceError: unknown;

  constructor(bytes: BlobBytes, skip: number) {
    this.#bytes = bytes;
    this.#skip = skip;
    this.#transient = bytes.transient === true;
    this.#algorithm = bytes.digest ? hashAlgorithm(bytes.digest) : 'sha256';
    // Hashed with the algorithm the blob is addressed by; a blob under one Stevedore cannot compute is left to the registry.
    this.#hash = bytes.verified && bytes.digest ? undefined : this.#algorithm ? createHash(this.#algorithm) : undefined;
  }

  async *body(onSent: (n: number) => void): AsyncGenerator<Uint8Array> {
    const source = this.#bytes.open()[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await source.next();
        } catch (error) {
          // Only what the source throws: a failed request is thrown in at `yield` (Readable.from) and is not the source's.
          this.sourceError = error;
          throw error;
        }
        if (next.done) break;
        const chunk = next.value;
        this.#hash?.update(chunk);
        this.total += chunk.length;
        if (this.#skip >= chunk.length) {
          this.#skip -= chunk.length;
          continue;
        }
        const rest = this.#skip > 0 ? chunk.subarray(this.#skip) : chunk;
        this.#skip = 0;
        onSent(rest.length);
        // The request's stream asks for the next chunk before the socket took this one (it reads ahead, and the
        // socket holds what it was handed until the registry reads it): a reused buffer would be sent as it is by
        // then, another chunk's bytes under this blob's digest.
        yield this.#transient ? rest.slice() : rest;
      }
      this.complete = true;
    } finally {
      // Closes the source's request however the pass ended.
      if (!this.complete) await source.return?.(undefined).catch(() => undefined);
    }
  }

  /** The digest the bytes hash to, checked against the expected one and the source's own check (`verify`). */
  async digest(): Promise<string> {
    const expected = this.#bytes.digest;
    if (!this.#hash && expected) {
      await this.#bytes.verify?.(expected);
      return expected;
    }
    const digest = `${this.#algorithm ?? 'sha256'}:${this.#hash?.digest('hex') ?? ''}`;
    if (expected && expected !== digest) throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${this.#bytes.label}": content hashes to ${digest}, not ${expected}`);
    await this.#bytes.verify?.(digest);
    return digest;
  }
}

/** One pass as a request body, whichever way the source gives it. */
interface Sending {
  readonly body: Readable;
  readonly state: { readonly total: number; readonly complete: boolean; readonly sourceError: unknown };
  /** Closes the source however the pass ended. */
  close(): Promise<void>;
  digest(): Promise<string>;
}

function sending(bytes: BlobBytes, skip: number, onSent: (n: number) => void): Sending {
  const pass = new Pass(bytes, skip);
  if (bytes.stream && bytes.verified && bytes.digest) {
    // The source checks its own digest and gives a stream: it is the body, chunk by chunk, with nothing in between.
    const body = bytes.stream(skip, onSent);
    return { body, state: body, close: () => Promise.resolve(void body.destroy()), digest: () => pass.digest() };
  }
  const generator = pass.body(onSent);
  // Readable.from asks for the next chunk as soon as this one is handed on (below READ_AHEAD buffered), while the
  // socket keeps only a reference to bytes the kernel has not taken yet: a chunk reused before the request ends would
  // be sent as it is by then. A source that reuses its chunks says so (BlobBytes.transient) and Pass.body copies them.
  return {
    body: Readable.from(generator, { objectMode: false, highWaterMark: READ_AHEAD }),
    state: pass,
    close: () => generator.return(undefined).then(() => undefined, () => undefined),
    digest: () => pass.digest(),
  };
}

export async function sendStreamed(sessions: UploadSessions, bytes: BlobBytes, options: UploadOptions, first: string, moved: (location: string) => void): Promise<Uploaded> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const onSent = options.onSent ?? ((): void => undefined);
  let location = first;
  let held = 0;
  for (let attempt = 1; ; attempt++) {
    const pass = sending(bytes, held, onSent);
    const { body, state } = pass;
    const length = bytes.size === undefined ? undefined : bytes.size - held;
    let result: { location: string } = { location };
    try {
      if (length === 0 && held > 0) {
        // The registry holds every byte already: the pass only reads them for the digest check.
        for await (const _ of body) void _;
      } else {
        result = await sessions.patchStream(location, held, body, length, options.signal);
      }
      if (state.sourceError !== undefined) throw state.sourceError;
      if (!state.complete) throw new StevedoreError('INTERNAL', `${bytes.label}: the upload ended before its source`);
    } catch (error) {
      await pass.close();
      if (state.sourceError !== undefined) throw state.sourceError;
      if (error instanceof SessionGoneError || isAbortError(error) || options.signal?.aborted) throw error;
      if (attempt >= RESUME_ATTEMPTS || !isTransient(error) || !bytes.restartable) throw error;
      await sleep(retryDelay(error, policy, attempt), options.signal);
      // Where does the session stand? The next pass reads the source again and sends from there.
      const status = await statusAfterFailure(sessions, location, policy, options.signal);
      location = status.location;
      const holds = status.end + 1;
      if (holds < 0 || (bytes.size !== undefined && holds > bytes.size)) throw new SessionGoneError(location);
      held = holds;
      options.onRestart?.();
      onSent(held);
      continue;
    }
    location = result.location;
    moved(location);
    const digest = await pass.digest();
    await finishResuming(sessions, location, digest, options);
    return { digest, size: state.total };
  }
}
