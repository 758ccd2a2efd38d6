// What a push failure is called once it leaves the engine. Anything that is not already a StevedoreError did not
// come from a registry: a socket that dropped is NETWORK, a local file that could not be read is ARCHIVE_INVALID, a
// cancel is CANCELLED, and the rest (a crashed worker, a RangeError) is INTERNAL, never REGISTRY_ERROR.
import { StevedoreError, isAbortError } from '../errors.js';

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_[A-Z_]+)$/;
const FILE_SYSCALLS = new Set(['open', 'read', 'stat', 'fstat', 'close', 'scandir']);

function codeOf(error: unknown): { code: string; syscall: string } {
  for (let current = error, depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, syscall, cause } = current as { code?: unknown; syscall?: unknown; cause?: unknown };
    if (typeof code === 'string') return { code, syscall: typeof syscall === 'string' ? syscall : '' };
    current = cause;
  }
  return { code: '', syscall: '' };
}

export function pushFailure(error: unknown): StevedoreError {
  if (error instanceof StevedoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isAbortError(error)) return new StevedoreError('CANCELLED', 'push cancelled; no tag was written', {}, { cause: error });
  const { code, syscall } = codeOf(error);
  if (NETWORK_CODES.test(code) || /^(terminated|other side closed|socket hang up)$/i.test(message)) {
    return new StevedoreError('NETWORK', `the connection to the registry failed: ${message}${code ? ` (${code})` : ''}`, {}, { cause: error });
  }
  if (code && FILE_SYSCALLS.has(syscall)) return new StevedoreError('ARCHIVE_INVALID', `archive: cannot read it: ${message}`, {}, { cause: error });
  return new StevedoreError('INTERNAL', `internal error while pushing: ${message}`, {}, { cause: error });
}
