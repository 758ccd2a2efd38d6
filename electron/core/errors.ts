// The one error type the engine throws: a stable code plus what the registry said, with secrets removed.
import type { ErrorCode, ErrorDetails, ErrorInfo } from '../../shared/errors.js';
import { redactUrl } from './redact.js';

export class StevedoreError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StevedoreError';
    this.code = code;
    this.details = details.url === undefined ? details : { ...details, url: redactUrl(details.url) };
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isStevedoreError(error: unknown, code?: ErrorCode): error is StevedoreError {
  return error instanceof StevedoreError && (code === undefined || error.code === code);
}

// Errors from sockets and undici that escaped a request's own mapping (toNetworkError), e.g. while a body streams.
const NETWORK_CODE = /^(?:UND_ERR_|ECONN|EPIPE$|ENOTFOUND$|EAI_AGAIN$|EHOSTUNREACH$|ENETUNREACH$|ENETDOWN$|ETIMEDOUT$)/;
const TIMEOUT_CODE = /^(?:UND_ERR_(?:CONNECT|HEADERS|BODY)_TIMEOUT|ETIMEDOUT)$/;

/**
 * Any thrown value as an ErrorInfo, for the edges (CLI, IPC) that must never crash on an unexpected error.
 * REGISTRY_ERROR is only for what a registry said (thrown as a StevedoreError); what else escapes is named for what
 * it is: cancelled, a network failure, or INTERNAL, a bug of ours.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof StevedoreError) return error.toInfo();
  if (isAbortError(error)) return { code: 'CANCELLED', message: 'cancelled' };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'TimeoutError') return { code: 'TIMEOUT', message };
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUT_CODE.test(code)) return { code: 'TIMEOUT', message: `${message} (${code})` };
  if (typeof code === 'string' && NETWORK_CODE.test(code)) return { code: 'NETWORK', message: `${message} (${code})` };
  return { code: 'INTERNAL', message };
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
