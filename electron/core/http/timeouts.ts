// How long a request may take: a deadline for the response headers (and for reading a small answer whole) and an
// idle limit between body chunks. A multi-GB upload or download is never cut for its length, only for stalling.
import { StevedoreError } from '../errors.js';

export interface HttpTimeouts {
  /** From the moment the request is sent until the whole header block arrives; also reading a manifest or list whole. */
  readonly headersTimeoutMs: number;
  /** The longest pause between two chunks of a response body. */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 60_000, idleTimeoutMs: 30_000 };

export const TIMEOUT_ENV = 'STEVEDORE_HTTP_TIMEOUT';
export const IDLE_TIMEOUT_ENV = 'STEVEDORE_HTTP_IDLE_TIMEOUT';

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+(?:\.\d+)?$/.test(raw.trim()) || Number(raw) <= 0) throw new StevedoreError('CONFIG', `${name} takes a number of seconds above 0, got "${raw}"`);
  return Math.max(1, Math.round(Number(raw) * 1000));
}

/** The defaults, overridden by STEVEDORE_HTTP_TIMEOUT / STEVEDORE_HTTP_IDLE_TIMEOUT (seconds), then by `explicit`. */
export function resolveTimeouts(explicit: Partial<HttpTimeouts> = {}, env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  return {
    headersTimeoutMs: explicit.headersTimeoutMs ?? seconds(env, TIMEOUT_ENV) ?? DEFAULT_TIMEOUTS.headersTimeoutMs,
    idleTimeoutMs: explicit.idleTimeoutMs ?? seconds(env, IDLE_TIMEOUT_ENV) ?? DEFAULT_TIMEOUTS.idleTimeoutMs,
  };
}
