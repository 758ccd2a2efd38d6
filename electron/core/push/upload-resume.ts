// What chunked and streamed uploads share after a failure: which errors are worth a retry, how long to wait, where an
// interrupted session stands, and a final PUT sent again until the blob is known to be there.
import { StevedoreError, isAbortError } from '../errors.js';
import { DEFAULT_RETRY, backoffDelay, sleep, type RetryPolicy } from '../http/retry.js';
import { SessionGoneError, type UploadSessions } from '../registry/upload-session.js';

export const RESUME_ATTEMPTS = 6;

export function isTransient(error: unknown): boolean {
  if (!(error instanceof StevedoreError)) return false;
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT' || error.code === 'RATE_LIMITED') return true;
  const status = error.details.status ?? 0;
  return status === 408 || status === 416 || status >= 500;
}

export function retryDelay(error: unknown, policy: RetryPolicy, attempt: number): number {
  const asked = error instanceof StevedoreError ? error.details.retryAfterMs : undefined;
  return Math.max(backoffDelay(policy, attempt), Math.min(asked ?? 0, policy.maxRetryAfterMs));
}

export async function statusAfterFailure(sessions: UploadSessions, location: string, policy: RetryPolicy, signal?: AbortSignal): Promise<{ location: string; end: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sessions.status(location, signal);
    } catch (error) {
      if (error instanceof SessionGoneError || attempt >= RESUME_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(backoffDelay(policy, attempt), signal);
    }
  }
}

/** The final PUT carries no body, so it can be sent again; if its answer was lost, the blob may already be there. */
export async function finishResuming(sessions: UploadSessions, location: string, digest: string, options: { readonly retry?: RetryPolicy; readonly signal?: AbortSignal }): Promise<void> {
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
