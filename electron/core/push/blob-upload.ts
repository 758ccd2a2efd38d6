// Uploads one blob: monolithic when it fits one chunk, else PATCH chunks, or the whole stream in one PATCH when no
// chunk size is asked for; resumes after a dropped connection from the offset the registry reports, and starts the
// blob again when the registry forgot the session.
import { createHash } from 'node:crypto';
import { hashAlgorithm } from '../archive/blob-digest.js';
import { StevedoreError, isAbortError } from '../errors.js';
import { DEFAULT_RETRY, sleep } from '../http/retry.js';
import { SessionGoneError, type UploadSessions } from '../registry/upload-session.js';
import { blocks } from './parallel-gzip.js';
import { sendStreamed } from './stream-upload.js';
import type { BlobBytes, UploadOptions, Uploaded } from './upload-types.js';
import { RESUME_ATTEMPTS, finishResuming, isTransient, retryDelay, statusAfterFailure } from './upload-resume.js';

export type { BlobBytes, UploadOptions, Uploaded } from './upload-types.js';

const MAX_RESTARTS = 2;
/** A blob known to be smaller goes in one PUT (POST, PUT) rather than a stream (POST, PATCH, PUT). */
const MONOLITHIC_BELOW = 1024 * 1024;
/** Chunks for a registry that refused a whole blob in one request (413), as a push sends them by default. */
const FALLBACK_CHUNK = 4 * 1024 * 1024;

export async function uploadBlob(sessions: UploadSessions, bytes: BlobBytes, options: UploadOptions): Promise<Uploaded> {
  let chunked = options.chunkSize;
  for (let round = 0; ; round++) {
    const started = await sessions.start(options.signal);
    if (started.kind !== 'session') throw new StevedoreError('INVALID_RESPONSE', 'the registry mounted a blob nobody asked to mount');
    let location = started.location;
    try {
      const moved = (next: string): void => {
        location = next;
      };
      const small = bytes.size !== undefined && bytes.size < MONOLITHIC_BELOW ? MONOLITHIC_BELOW : undefined;
      const chunkSize = chunked ?? small;
      // A stream is one chunk however long: OCI-Chunk-Min-Length only binds chunked uploads.
      if (chunkSize === undefined) return await sendStreamed(sessions, bytes, options, location, moved);
      return await sendAll(sessions, bytes, options, Math.max(chunkSize, started.minChunk), moved, location);
    } catch (error) {
      if (error instanceof SessionGoneError && bytes.restartable && round < MAX_RESTARTS && !options.signal?.aborted) {
        options.onRestart?.();
        continue;
      }
      await sessions.cancel(location, options.signal);
      if (chunked === undefined && tooLarge(error) && bytes.restartable && round < MAX_RESTARTS && !options.signal?.aborted) {
        // The registry takes no blob whole in one request: it gets chunks instead.
        chunked = FALLBACK_CHUNK;
        options.onRestart?.();
        continue;
      }
      throw error;
    }
  }
}

function tooLarge(error: unknown): boolean {
  return error instanceof StevedoreError && error.details.status === 413;
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
  // A source that checks its own digest is not hashed twice.
  const hash = bytes.verified && bytes.digest ? undefined : createHash(algorithm ?? 'sha256');
  let current = await chunks.next();
  let offset = 0;
  const finishDigest = async (): Promise<string> => {
    if ((algorithm === undefined || hash === undefined) && bytes.digest) {
      await bytes.verify?.(bytes.digest);
      return bytes.digest;
    }
    const digest = `${algorithm ?? 'sha256'}:${hash?.digest('hex') ?? ''}`;
    if (bytes.digest && bytes.digest !== digest) {
      throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${bytes.label}": content hashes to ${digest}, not ${bytes.digest}`);
    }
    await bytes.verify?.(digest);
    return digest;
  };
  if (current.done || current.value.length < chunkSize) {
    // The whole blob fits one chunk: one PUT, replayable by the transport's retries.
    const body = current.done ? new Uint8Array(0) : current.value;
    hash?.update(body);
    const digest = await finishDigest();
    await sessions.finish(location, digest, body, options.signal);
    options.pool?.give(body);
    options.onSent?.(body.length);
    return { digest, size: body.length };
  }
  // One chunk of look-ahead: the next chunk compresses while this one uploads. The final PUT carries no body.
  while (!current.done) {
    const chunk = current.value;
    hash?.update(chunk);
    const following = chunks.next();
    following.catch(() => undefined);
    location = await patchResuming(sessions, location, offset, chunk, options);
    // Only now: the registry answered, having read the whole chunk, so none of it still waits in the socket (the
    // transport sends it in slices of the chunk itself, uncopied).
    options.pool?.give(chunk);
    moved(location);
    offset += chunk.length;
    current = await following;
  }
  const digest = await finishDigest();
  await finishResuming(sessions, location, digest, options);
  return { digest, size: offset };
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
