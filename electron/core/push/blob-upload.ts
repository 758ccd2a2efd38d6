// Uploads one blob: monolithic when it fits one chunk, else PATCH chunks; resumes after a dropped connection from
// the offset the registry reports, and starts the blob again when the registry forgot the session.
import { createHash } from 'node:crypto';
import { hashAlgorithm } from '../archive/blob-digest.js';
import { StevedoreError, isAbortError } from '../errors.js';
import { DEFAULT_RETRY, backoffDelay, sleep, type RetryPolicy } from '../http/retry.js';
import { SessionGoneError, type UploadSessions } from '../registry/upload-session.js';
import type { BufferPool } from './buffer-pool.js';
import { blocks } from './parallel-gzip.js';

export interface BlobBytes {
  /** A fresh pass over the bytes; called again to restart a blob whose session the registry lost. */
  open(): AsyncIterable<Uint8Array>;
  readonly restartable: boolean;
  /** What the bytes must hash to, when known before reading them. */
  readonly digest?: string;
  /** Names the blob in errors, e.g. the archive entry. */
  readonly label: string;
  /**
   * Runs once every byte was read and matched `digest`, before the upload is committed, with the digest of the bytes;
   * throws to stop it (a DiffID check).
   */
  readonly verify?: (digest: string) => Promise<void> | void;
}

export interface UploadOptions {
  readonly chunkSize: number;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onSent?: (bytes: number) => void;
  /** The blob's session restarted: progress so far no longer counts. */
  readonly onRestart?: () => void;
  /** Where chunk buffers come from and go back to once sent. */
  readonly pool?: BufferPool;
}

export interface Uploaded {
  readonly digest: string;
  readonly size: number;
}

const MAX_RESTARTS = 2;
const RESUME_ATTEMPTS = 6;

function isTransient(error: unknown): boolean {
  if (!(error instanceof StevedoreError)) return false;
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT' || error.code === 'RATE_LIMITED') return true;
  const status = error.details.status ?? 0;
  return status === 408 || status === 416 || status >= 500;
}

export async function uploadBlob(sessions: UploadSessions, bytes: BlobBytes, options: UploadOptions): Promise<Uploaded> {
  for (let round = 0; ; round++) {
    const started = await sessions.start(options.signal);
    if (started.kind !== 'session') throw new StevedoreError('INVALID_RESPONSE', 'the registry mounted a blob nobody asked to mount');
    let location = started.location;
    try {
      return await sendAll(sessions, bytes, options, Math.max(options.chunkSize, started.minChunk), (next) => (location = next), location);
    } catch (error) {
      if (error instanceof SessionGoneError && bytes.restartable && round < MAX_RESTARTS && !options.signal?.aborted) {
        options.onRestart?.();
        continue;
      }
      await sessions.cancel(location);
      throw error;
    }
  }
}

async function sendAll(sessions: UploadSessions, bytes: BlobBytes, options: UploadOptions, chunkSize: number, moved: (location: string) => void, first: string): Promise<Uploaded> {
  const chunks = blocks(bytes.open(), chunkSize, options.pool)[Symbol.asyncIterator]();
  try {
    return await sendChunks(sessions, chunks, bytes, options, chunkSize, moved, first);
  } finally {
    // Closes the source (file handles, compression) however the upload ended.
    await chunks.return(undefined).catch(() => undefined);
  }
}

async function sendChunks(sessions: UploadSessions, chunks: AsyncIterator<Uint8Array>, bytes: BlobBytes, options: UploadOptions, chunkSize: number, moved: (location: string) => void, first: string): Promise<Uploaded> {
  let location = first;
  // Hashed with the algorithm the blob is addressed by (sha512 blobs of an oci-archive stay sha512); a blob under an
  // algorithm Stevedore cannot compute is sent under its own digest, for the registry to check.
  const algorithm = bytes.digest ? hashAlgorithm(bytes.digest) : 'sha256';
  const hash = createHash(algorithm ?? 'sha256');
  let current = await chunks.next();
  let offset = 0;
  const finishDigest = async (): Promise<string> => {
    if (algorithm === undefined && bytes.digest) {
      await bytes.verify?.(bytes.digest);
      return bytes.digest;
    }
    const digest = `${algorithm ?? 'sha256'}:${hash.digest('hex')}`;
    if (bytes.digest && bytes.digest !== digest) {
      throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${bytes.label}": content hashes to ${digest}, not ${bytes.digest}`);
    }
    await bytes.verify?.(digest);
    return digest;
  };
  if (current.done || current.value.length < chunkSize) {
    // The whole blob fits one chunk: one PUT, replayable by the transport's retries.
    const body = current.done ? new Uint8Array(0) : current.value;
    hash.update(body);
    const digest = await finishDigest();
    await sessions.finish(location, digest, body, options.signal);
    options.pool?.give(body);
    options.onSent?.(body.length);
    return { digest, size: body.length };
  }
  // One chunk of look-ahead: the next chunk compresses while this one uploads. The final PUT carries no body.
  while (!current.done) {
    const chunk = current.value;
    hash.update(chunk);
    const following = chunks.next();
    following.catch(() => undefined);
    location = await patchResuming(sessions, location, offset, chunk, options);
    options.pool?.give(chunk);
    moved(location);
    offset += chunk.length;
    current = await following;
  }
  const digest = await finishDigest();
  await finishResuming(sessions, location, digest, options);
  return { digest, size: offset };
}

/** The final PUT carries no body, so it can be sent again; if its answer was lost, the blob may already be there. */
async function finishResuming(sessions: UploadSessions, location: string, digest: string, options: UploadOptions): Promise<void> {
  const policy = options.retry ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      await sessions.finish(location, digest, undefined, options.signal);
      return;
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw error;
      if (error instanceof SessionGoneError || (isTransient(error) && attempt < RESUME_ATTEMPTS)) {
        await sleep(backoffDelay(policy, attempt), options.signal);
        if (await sessions.exists(digest, options.signal).catch(() => false)) return;
        if (error instanceof SessionGoneError) throw error;
        continue;
      }
      throw error;
    }
  }
}

async function patchResuming(sessions: UploadSessions, first: string, start: number, chunk: Uint8Array, options: UploadOptions): Promise<string> {
  const policy = options.retry ?? DEFAULT_RETRY;
  let location = first;
  let held = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await sessions.patch(location, start + held, chunk.subarray(held), options.signal);
      options.onSent?.(chunk.length - held);
      return result.location;
    } catch (error) {
      if (error instanceof SessionGoneError || isAbortError(error) || options.signal?.aborted) throw error;
      if (attempt >= RESUME_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(retryDelay(error, policy, attempt), options.signal);
      // Where does the session stand? The registry may hold part of this chunk, all of it, or none.
      const status = await statusAfterFailure(sessions, location, policy, options.signal);
      location = status.location;
      const holds = status.end + 1 - start;
      if (holds < 0 || holds > chunk.length) throw new SessionGoneError(location);
      if (holds > held) options.onSent?.(holds - held);
      held = Math.max(held, holds);
      if (held === chunk.length) return location;
    }
  }
}

function retryDelay(error: unknown, policy: RetryPolicy, attempt: number): number {
  const asked = error instanceof StevedoreError ? error.details.retryAfterMs : undefined;
  return Math.max(backoffDelay(policy, attempt), Math.min(asked ?? 0, policy.maxRetryAfterMs));
}

async function statusAfterFailure(sessions: UploadSessions, location: string, policy: RetryPolicy, signal?: AbortSignal): Promise<{ location: string; end: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sessions.status(location, signal);
    } catch (error) {
      if (error instanceof SessionGoneError || attempt >= RESUME_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(backoffDelay(policy, attempt), signal);
    }
  }
}
