// Reads one blob from a registry as a stream, verified against its digest on the way, and resumed with a Range
// request after a dropped connection instead of starting over (the spec lets registries answer Range with 206).
import { createHash } from 'node:crypto';
import { repositoryScope } from '../auth/authenticator.js';
import { algorithmOf } from '../digest.js';
import { StevedoreError, isAbortError } from '../errors.js';
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
  /** Connections dropped mid-body that were resumed, for callers that count them. */
  readonly onResume?: (offset: number) => void;
}

const RESUME_ATTEMPTS = 6;

function isTransient(error: unknown): boolean {
  if (error instanceof StevedoreError) return error.code === 'NETWORK' || error.code === 'TIMEOUT';
  return isRetryableError(error) || isRetryableError((error as { cause?: unknown } | null)?.cause);
}

/** The blob's bytes in order; the last read throws DIGEST_MISMATCH if they do not hash to the digest. */
export async function* readBlob(blob: SourceBlob, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
  const what = `blob ${blob.client.registry}/${blob.repository}@${blob.digest}`;
  // An algorithm this runtime cannot compute passes through unverified (OCI image spec), its size still checked.
  const algorithm = algorithmOf(blob.digest);
  const hash = algorithm === undefined ? undefined : createHash(algorithm);
  const policy = options.retry ?? DEFAULT_RETRY;
  let offset = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const chunk of fromOffset(blob, offset, what, options.signal)) {
        if (offset + chunk.length > blob.size) throw new StevedoreError('DIGEST_MISMATCH', `${what}: more bytes than the ${blob.size} its descriptor gives`);
        hash?.update(chunk);
        offset += chunk.length;
        yield chunk;
      }
      break;
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted || !isTransient(error) || attempt >= RESUME_ATTEMPTS) throw error;
      await sleep(backoffDelay(policy, attempt), options.signal);
      options.onResume?.(offset);
    }
  }
  if (offset !== blob.size) throw new StevedoreError('DIGEST_MISMATCH', `${what}: got ${offset} bytes, its descriptor gives ${blob.size}`);
  const actual = hash === undefined ? blob.digest : `${algorithm}:${hash.digest('hex')}`;
  if (actual !== blob.digest) throw new StevedoreError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, not the expected ${blob.digest}`);
}

/** One GET from `offset`; a registry that ignores Range answers 200 with everything, and the bytes before are skipped. */
async function* fromOffset(blob: SourceBlob, offset: number, what: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (offset === blob.size && offset > 0) return;
  const response = await blob.client.send({
    method: 'GET',
    path: `/v2/${blob.repository}/blobs/${blob.digest}`,
    scopes: [repositoryScope(blob.repository)],
    ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
    ...(signal ? { signal } : {}),
  });
  if (response.status !== 200 && response.status !== 206) throw await responseError(response, 'GET', what);
  let skip = 0;
  if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(header(response, 'content-range') ?? '')?.[1];
    if (Number(start) !== offset) {
      await response.body.dump().catch(() => undefined);
      throw new StevedoreError('INVALID_RESPONSE', `${what}: asked for bytes from ${offset}, the registry sent a range from ${start ?? 'nowhere'}`);
    }
  } else {
    skip = offset;
  }
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}
