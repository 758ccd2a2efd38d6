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

/** Any thrown value as an ErrorInfo, for the edges (CLI, IPC) that must never crash on an unexpected error. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof StevedoreError) return error.toInfo();
  if (isAbortError(error)) return { code: 'CANCELLED', message: 'cancelled' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'REGISTRY_ERROR', message };
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
