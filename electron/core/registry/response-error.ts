// Maps an unexpected registry answer to a StevedoreError, keeping the registry's own error code and message.
import type { ErrorCode } from '../../../shared/errors.js';
import { StevedoreError } from '../errors.js';
import { armReadDeadline } from '../http/body.js';
import { parseRetryAfter } from '../http/retry.js';
import { header, type HttpResponse } from '../http/transport.js';

const ERROR_BODY_LIMIT = 64 * 1024;

interface RegistryErrorBody {
  readonly code?: string;
  readonly message?: string;
  /** The plain-text answer of a TLS server asked in plain HTTP. */
  readonly httpsOnly?: string;
}

// What Go's TLS servers (the distribution registry, Harbor, Zot) and nginx answer to a plain HTTP request, with 400.
const HTTPS_ONLY = /client sent an HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i;

async function readRegistryError(response: HttpResponse): Promise<RegistryErrorBody> {
  const disarm = armReadDeadline(response, { url: response.url });
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > ERROR_BODY_LIMIT) break;
      chunks.push(chunk as Buffer);
    }
    response.body.destroy();
    if (!(header(response, 'content-type') ?? '').includes('json')) {
      const said = HTTPS_ONLY.exec(Buffer.concat(chunks).subarray(0, 4096).toString('latin1'))?.[0];
      return said === undefined ? {} : { httpsOnly: said };
    }
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errors?: unknown };
    const first = Array.isArray(parsed.errors) ? (parsed.errors[0] as Record<string, unknown> | undefined) : undefined;
    return {
      ...(typeof first?.code === 'string' ? { code: first.code } : {}),
      ...(typeof first?.message === 'string' ? { message: first.message } : {}),
    };
  } catch {
    return {};
  } finally {
    disarm();
  }
}

function codeFor(status: number, registryCode: string | undefined): ErrorCode {
  if (registryCode === 'DENIED' || registryCode === 'UNAUTHORIZED') return status === 401 ? 'AUTH_REQUIRED' : 'DENIED';
  if (registryCode === 'TOOMANYREQUESTS') return 'RATE_LIMITED';
  if (registryCode === 'UNSUPPORTED') return 'UNSUPPORTED';
  switch (status) {
    case 401:
      return 'AUTH_REQUIRED';
    case 403:
      return 'DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'UNSUPPORTED';
    case 413:
      return 'TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'REGISTRY_ERROR';
  }
}

/** `what` names the operation for the user, e.g. "manifest localhost:5000/app:1.0". */
export async function responseError(response: HttpResponse, method: string, what: string): Promise<StevedoreError> {
  const body = await readRegistryError(response);
  if (body.httpsOnly !== undefined && response.status === 400) {
    // An http:// address (or the plain-HTTP opt-in) for a registry that speaks only TLS: "HTTP 400" said nothing of it.
    const host = URL.canParse(response.url) ? new URL(response.url).host : response.url;
    return new StevedoreError('CONFIG', `${host} speaks HTTPS, not plain HTTP: use an https:// address (it answered "${body.httpsOnly}")`, { status: response.status, method, url: response.url });
  }
  const code = codeFor(response.status, body.code);
  const said = body.message ?? body.code?.toLowerCase().replace(/_/g, ' ');
  const reason = said ?? `HTTP ${response.status}`;
  const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
  const hint = code === 'UNSUPPORTED' && method === 'DELETE' ? ' (the registry does not allow deleting; enable storage.delete on the registry)' : '';
  return new StevedoreError(code, `${what}: ${reason}${hint}`, {
    status: response.status,
    method,
    url: response.url,
    ...(body.code ? { registryCode: body.code } : {}),
    ...(body.message ? { registryMessage: body.message } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * A manifest the registry does not have. Asked for by tag, the answer ("manifest unknown", or a bare 404 to a HEAD)
 * says which tag the repository lacks and what to check: a typo in the tag or the repository reads the same.
 */
export async function manifestResponseError(response: HttpResponse, method: string, what: string, repository: string, tag: string | undefined): Promise<StevedoreError> {
  const error = await responseError(response, method, what);
  if (tag === undefined || error.code !== 'NOT_FOUND' || error.details.registryCode === 'NAME_UNKNOWN') return error;
  const said = error.details.registryMessage ?? `HTTP ${response.status}`;
  return new StevedoreError('NOT_FOUND', `${repository} has no tag "${tag}" (${said}); check the repository and tag names against its tags`, error.details);
}
