// The two ways a registry turns a request away for want of good credentials, worded once for the registry's own 401
// and its token server's: each names the registry and what to do about it.
import type { ErrorDetails } from '../../../shared/errors.js';
import { StevedoreError } from '../errors.js';

export function authRequired(registry: string, details: ErrorDetails = {}): StevedoreError {
  return new StevedoreError('AUTH_REQUIRED', `${registry} requires credentials: run docker login ${registry}`, details);
}

export function authFailed(registry: string, details: ErrorDetails = {}): StevedoreError {
  return new StevedoreError('AUTH_FAILED', `${registry} refused the credentials (wrong user name, password or token): check them, or log in again with docker login ${registry}`, details);
}
