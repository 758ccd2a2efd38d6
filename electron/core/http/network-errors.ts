// Turns what sockets and TLS throw into the engine's error codes, with a sentence a user can act on.
import { StevedoreError, isAbortError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { IDLE_TIMEOUT_ENV, TIMEOUT_ENV } from './timeouts.js';

const TLS_CODE = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH|ERR_OSSL)/;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return '';
}

/** True when a TLS handshake failed because the server speaks plain HTTP. */
export function isPlainHttpServerError(error: unknown): boolean {
  const text = `${errorCode(error)} ${(error as Error | null)?.message ?? ''}`;
  return /wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|packet length too long|http request/i.test(text);
}

export function toNetworkError(error: unknown, method: string, url: string): Error {
  if (error instanceof StevedoreError || isAbortError(error)) return error as Error;
  const code = errorCode(error);
  const reason = (error as Error | null)?.message ?? String(error);
  const host = safeHost(url);
  const details = { method, url };
  // A server that speaks plain HTTP: no CA certificate would help (OpenSSL's "wrong version number" said nothing of it).
  if (TLS_CODE.test(code) && isPlainHttpServerError(error)) {
    return new StevedoreError('TLS', `${host} answers in plain HTTP, not HTTPS (${code}): use an http:// address, and opt in to insecure access if you trust this network`, { ...details, choice: 'plain-http' }, { cause: error });
  }
  if (TLS_CODE.test(code)) {
    return new StevedoreError(
      'TLS',
      `TLS connection to ${host} failed: ${reason} (${code}). Add the registry's CA certificate, or opt in to insecure access if you trust this network.`,
      details,
      { cause: error },
    );
  }
  if (TIMEOUT_CODES.has(code)) {
    const what = code === 'UND_ERR_BODY_TIMEOUT' ? `the transfer from ${redactUrl(url)} stalled` : `${redactUrl(url)} did not answer in time`;
    return new StevedoreError('TIMEOUT', `${what} (${code}; limits: ${TIMEOUT_ENV}, ${IDLE_TIMEOUT_ENV} in seconds)`, details, { cause: error });
  }
  if (code === 'ECONNREFUSED') {
    return new StevedoreError('NETWORK', `cannot connect to ${host}: connection refused (is the registry running?)`, details, { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StevedoreError('NETWORK', `cannot resolve ${host}`, details, { cause: error });
  }
  return new StevedoreError('NETWORK', `network error talking to ${host}: ${reason}${code ? ` (${code})` : ''}`, details, { cause: error });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
