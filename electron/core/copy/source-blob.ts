// Reads one blob from a registry as a stream, verified against its digest on the way, and resumed with a Range
// request after a dropped connection instead of starting over (the spec lets registries answer Range with 206).
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { repositoryScope } from '../auth/authenticator.js';
import { algorithmOf } from '../digest.js';
import { StevedoreError, isAbortError, toErrorInfo } from '../errors.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableError, sleep, type RetryPolicy } from '../http/retry.js';
import { header } from '../http/transport.js';
import type { RegistryClient } from '../registry/client.js';
import { responseError } from '../registry/response-error.js';

export interface SourceBlob {
  readonly client: RegistryClient;
  readonly repository: string;
  readonly digest: string;
  /** From the manifest's descriptor: more or fewer bytes fail the read. */
  readonly size: number;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  /**
   * False only when the caller checks the content another way, so its bytes are not hashed twice: a docker-archive
   * layer is checked, decompressed, against the config's diff_id. The size is checked all the same.
   */
  readonly checkDigest?: boolean;
  /** Connections dropped mid-body that were resumed, for callers that count them. */
  readonly onResume?: (offset: number) => void;
  /** Bytes passed on, as they are: progress without another pass over the chunks. */
  readonly onRead?: (bytes: number) => void;
}

export const RESUME_ATTEMPTS = 6;

export function isTransient(error: unknown): boolean {
  if (error instanceof StevedoreError) return error.code === 'NETWORK' || error.code === 'TIMEOUT';
  return isRetryableError(error) || isRetryableError((error as { cause?: unknown } | null)?.cause);
}

/**
 * What a read of the blob `what` fails with once it stops trying: a StevedoreError as it is, a cancel as it is, and
 * anything else (undici's "other side closed", a socket reset) as one line naming the blob, its registry and how many
 * times it was tried, with the stable code toErrorInfo gives it (NETWORK, TIMEOUT, else INTERNAL).
 */
export function sourceFailure(error: unknown, what: string, attempts: number): unknown {
  if (isAbortError(error)) return error;
  if (error instanceof StevedoreError && !isTransient(error)) return error;
  const info = toErrorInfo(error);
  const tries = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
  return new StevedoreError(info.code, `${what}: reading from the source failed${tries}: ${info.message}`.replace(/\s*\n\s*/g, ' '), info.details ?? {}, { cause: error });
}

/**
 * Bytes of a blob body buffered before the socket pauses: each read then takes all that arrived (up to this) at once,
 * so the chunks passed on are fewer and larger than the socket's 64 KiB reads, and the connection pauses less often.
 */
export const READ_BUFFER = 256 * 1024;

/** The blob's bytes in order; the last read throws DIGEST_MISMATCH if they do not hash to the digest. */
export async function* readBlob(blob: SourceBlob, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
  const what = `blob ${blob.client.registry}/${blob.repository}@${blob.digest}`;
  // An algorithm this runtime cannot compute passes through unverified (OCI image spec), its size still checked.
  const algorithm = algorithmOf(blob.digest);
  const hash = options.checkDigest === false || algorithm === undefined ? undefined : createHash(algorithm);
  const policy = options.retry ?? DEFAULT_RETRY;
  let offset = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      if (offset === blob.size && offset > 0) break;
      const opened = await openAt(blob, offset, what, options.signal);
      let skip = opened.skip;
      // One loop over the socket's chunks, no generator in between: this runs once per chunk of every blob.
      for await (const whole of opened.body) {
        let chunk = whole as Buffer;
        if (skip > 0) {
          if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        if (offset + chunk.length > blob.size) throw new StevedoreError('DIGEST_MISMATCH', `${what}: more bytes than the ${blob.size} its descriptor gives`);
        hash?.update(chunk);
        offset += chunk.length;
        options.onRead?.(chunk.length);
        yield chunk;
      }
      break;
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw error;
      if (!isTransient(error) || attempt >= RESUME_ATTEMPTS) throw sourceFailure(error, what, attempt);
      await sleep(backoffDelay(policy, attempt), options.signal);
      options.onResume?.(offset);
    }
  }
  if (offset !== blob.size) throw new StevedoreError('DIGEST_MISMATCH', `${what}: got ${offset} bytes, its descriptor gives ${blob.size}`);
  if (!hash) return;
  const actual = `${algorithm}:${hash.digest('hex')}`;
  if (actual !== blob.digest) throw new StevedoreError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, not the expected ${blob.digest}`);
}

/**
 * One GET from `offset`: its body and how many bytes of it come before `offset` (a registry that ignores Range
 * answers 200 with everything, and the bytes before are skipped).
 */
export async function openAt(blob: SourceBlob, offset: number, what: string, signal?: AbortSignal): Promise<{ body: Readable; skip: number }> {
  const response = await blob.client.send({
    method: 'GET',
    path: `/v2/${blob.repository}/blobs/${blob.digest}`,
    scopes: [repositoryScope(blob.repository)],
    ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
    ...(signal ? { signal } : {}),
    readBuffer: READ_BUFFER,
  });
  if (response.status !== 200 && response.status !== 206) throw await responseError(response, 'GET', what);
  if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(header(response, 'content-range') ?? '')?.[1];
    if (Number(start) !== offset) {
      await response.body.dump().catch(() => undefined);
      throw new StevedoreError('INVALID_RESPONSE', `${what}: asked for bytes from ${offset}, the registry sent a range from ${start ?? 'nowhere'}`);
    }
    return { body: response.body, skip: 0 };
  }
  return { body: response.body, skip: offset };
}
