// HTTP for one registry: a keep-alive pool with the registry's TLS settings, retries, and redirects that
// never carry credentials to another host.
import type { Dispatcher } from 'undici';
import { linkSignals } from '../linked-signal.js';
import { StevedoreError } from '../errors.js';
import { loggedExchange } from '../log-http.js';
import { toNetworkError } from './network-errors.js';
import type { RequestBody } from './request-body.js';
import { watchBody } from './send-watch.js';
import { deferredExtraCaFile } from '../deferred-extra-ca.js';
import { needsOwnContext, secureContextFor, type TrustSettings } from './trust.js';
import { Agent, EnvHttpProxyAgent, ProxyAgent, buildConnector } from './undici-parts.js';
import { resolveTimeouts, type HttpTimeouts } from './timeouts.js';
import { DEFAULT_RETRY, backoffDelay, isRetryableError, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';

export interface TlsSettings {
  /** Extra CA certificates (PEM) trusted besides the system ones. */
  readonly ca?: string | readonly string[];
  readonly clientCert?: { readonly cert: string; readonly key: string };
  /** Skip certificate verification. Only by explicit opt-in. */
  readonly insecureSkipVerify?: boolean;
}

export interface TransportOptions {
  readonly tls?: TlsSettings;
  readonly retry?: RetryPolicy;
  readonly connectTimeoutMs?: number;
  /** Deadline for response headers (and for reading a small answer whole); default from the environment. */
  readonly headersTimeoutMs?: number;
  /** Longest pause between body chunks; default from the environment. */
  readonly idleTimeoutMs?: number;
  readonly connections?: number;
  /** Use HTTP(S)_PROXY / NO_PROXY from the environment (never for loopback registries). */
  readonly useEnvProxy?: boolean;
  /** A proxy to use for every request, as the OS settings chose it; wins over the environment. */
  readonly proxyUrl?: string;
}

export type { RequestBody } from './request-body.js';

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal;
  /** Defaults to true; a streamed body is never retried because it cannot be replayed. */
  readonly retry?: boolean;
  /**
   * Bytes of the response body buffered before reading from the socket pauses (undici's default: 64 KiB). A large
   * body read in a stream goes faster with more: fewer pauses, and each read hands over all that arrived at once.
   */
  readonly readBuffer?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** The URL that answered, after redirects. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
  /** How long reading this body whole may take (readLimited); set by the Transport. */
  readonly readDeadlineMs?: number;
}

const MAX_REDIRECTS = 5;
const WATCH_ABOVE = 256 * 1024;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

export function header(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function headerValues(response: Pick<HttpResponse, 'headers'>, name: string): readonly string[] {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export class Transport {
  readonly #dispatcher: Dispatcher;
  readonly #retry: RetryPolicy;
  readonly #timeouts: HttpTimeouts;

  constructor(options: TransportOptions = {}) {
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#timeouts = resolveTimeouts({
      ...(options.headersTimeoutMs ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    const verify = options.tls?.insecureSkipVerify ? { rejectUnauthorized: false } : {};
    const trust = trustOf(options.tls);
    const ownContext = needsOwnContext(trust);
    const base = { ...verify, timeout: options.connectTimeoutMs ?? 15_000 };
    const common = {
      connect: ownContext ? trustingConnector(base, trust) : base,
      // undici starts the headers timer once the request is sent, so a long upload is not cut by it.
      headersTimeout: this.#timeouts.headersTimeoutMs,
      bodyTimeout: this.#timeouts.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 16,
    };
    const proxied = options.useEnvProxy === true && hasProxyEnv();
    if (!options.proxyUrl && !proxied) {
      this.#dispatcher = new Agent(common);
      return;
    }
    // undici's proxy agents take TLS options only as objects: the contexts are made now, for the registry through the
    // tunnel and for a proxy spoken to in HTTPS (which a deferred extra-CA file may be there for).
    const requestTls = ownContext ? { ...verify, secureContext: secureContextFor(trust) } : verify;
    const proxyTls = deferredExtraCaFile() !== undefined ? { secureContext: secureContextFor({ ca: [] }) } : {};
    this.#dispatcher = options.proxyUrl
      ? new ProxyAgent({ ...common, uri: options.proxyUrl, requestTls, proxyTls })
      : new EnvHttpProxyAgent({ ...common, requestTls, proxyTls });
  }

  /** Sends a request, following redirects and retrying what is safe to retry. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    // A signal of its own per request, so a signal shared by many requests carries one listener, not one each.
    if (req.signal === undefined) return this.#send(req);
    const child = linkSignals([req.signal]);
    try {
      const response = await this.#send({ ...req, signal: child.signal });
      if (response.body.closed || response.body.destroyed) child.done();
      else response.body.once('close', child.done);
      return response;
    } catch (error) {
      child.done();
      throw error;
    }
  }

  async #send(req: HttpRequest): Promise<HttpResponse> {
    const replayable = req.body === undefined || typeof req.body === 'string' || req.body instanceof Uint8Array;
    const mayRetry = req.retry !== false && replayable;
    for (let attempt = 1; ; attempt++) {
      const last = !mayRetry || attempt >= this.#retry.attempts;
      let response: HttpResponse;
      try {
        response = await loggedExchange(req, attempt, () => this.#sendFollowingRedirects(req));
      } catch (error) {
        if (last || !isRetryableError(error) || req.signal?.aborted) throw toNetworkError(error, req.method, req.url);
        await sleep(backoffDelay(this.#retry, attempt), req.signal);
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(header(response, 'retry-after'));
      if (retryAfter !== undefined && retryAfter > this.#retry.maxRetryAfterMs) return response;
      await response.body.dump().catch(() => undefined);
      await sleep(retryAfter ?? backoffDelay(this.#retry, attempt), req.signal);
    }
  }

  async #sendFollowingRedirects(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let method = req.method;
    let headers: Record<string, string> = { ...req.headers };
    let body = req.body;
    const origin = new URL(url).origin;
    for (let hop = 0; ; hop++) {
      const watched = body !== undefined && mayStall(body) ? watchBody(body, this.#timeouts.idleTimeoutMs, method, url) : undefined;
      const signals = [req.signal, watched?.signal].filter((s): s is AbortSignal => s !== undefined);
      let response: Dispatcher.ResponseData;
      try {
        const target = new URL(url);
        response = await this.#dispatcher.request({
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method,
          headers: watched && body instanceof Uint8Array ? withLength(headers, body.length) : headers,
          body: watched?.body ?? body ?? null,
          signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
          ...(req.readBuffer !== undefined ? { highWaterMark: req.readBuffer } : {}),
          // undici closes the connection after every HEAD, for servers that send a body with the answer anyway; a
          // registry answers HEAD by the spec (a push asks one per blob: each was a new connection, a TLS handshake).
          ...(method === 'HEAD' ? { reset: false } : {}),
        });
      } finally {
        watched?.stop();
      }
      const location = header(response, 'location');
      if (!REDIRECT_STATUS.has(response.statusCode) || location === undefined || req.method === 'POST' || req.method === 'PATCH') {
        return { status: response.statusCode, url, headers: response.headers, body: response.body, readDeadlineMs: this.#timeouts.headersTimeoutMs };
      }
      await response.body.dump().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) {
        throw new StevedoreError('REGISTRY_ERROR', `too many redirects (more than ${MAX_REDIRECTS})`, { method: req.method, url: req.url });
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new StevedoreError('REGISTRY_ERROR', `redirect to unsupported URL scheme ${next.protocol}`, { method: req.method, url: req.url });
      }
      // Blob downloads commonly redirect to object storage: credentials for the registry must not follow.
      if (next.origin !== origin) headers = withoutCredentials(headers);
      if (response.statusCode === 303 && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
      }
      url = next.toString();
    }
  }

  /** Lets the requests under way finish, then closes every connection. */
  async close(): Promise<void> {
    // undici's close() ends each connection with a new error of its own, and Node reads the stack of an error a socket
    // is destroyed with: formatting it locates its frames in their script, which for the CLI's 1.6 MB bundle meant
    // finding every line end of it (about 18 M instructions, 6% of a push that moved nothing). With no request under
    // way, destroying them with an error whose stack is text already is the same close.
    if (idle(this.#dispatcher)) await this.#dispatcher.destroy(closedError());
    else await this.#dispatcher.close();
  }
}

/** True when no request is queued or running (an answer still being read counts as running). */
function idle(dispatcher: Dispatcher): boolean {
  const stats = (dispatcher as { readonly stats?: Readonly<Record<string, { readonly size?: number }>> }).stats;
  // A proxy agent keeps no statistics: it is never known idle.
  return stats !== undefined && Object.values(stats).every((origin) => origin.size === 0);
}

/** An Error whose stack is plain text: V8 captured no frames for it, and formats none. */
function closedError(): Error {
  const message = 'the transport is closed';
  return Object.create(Error.prototype, { message: { value: message }, stack: { value: `Error: ${message}` } }) as Error;
}

/** A body that fits in the socket's buffers cannot stall while being sent; a large or streamed one can. */
function mayStall(body: RequestBody): boolean {
  return !(typeof body === 'string') && (!(body instanceof Uint8Array) || body.length > WATCH_ABOVE);
}

/** Sliced for the send watch, a byte body keeps its Content-Length (rather than going chunked). */
function withLength(headers: Record<string, string>, length: number): Record<string, string> {
  return Object.keys(headers).some((name) => name.toLowerCase() === 'content-length') ? headers : { ...headers, 'content-length': String(length) };
}

function withoutCredentials(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization' && name.toLowerCase() !== 'cookie') out[name] = value;
  }
  return out;
}

function trustOf(tls: TlsSettings | undefined): TrustSettings {
  const ca = tls?.ca === undefined ? [] : typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca];
  return { ca, ...(tls?.clientCert ? { clientCert: tls.clientCert } : {}) };
}

/**
 * undici's connector with the trust settings' SecureContext, made on the first TLS connection: a registry spoken to
 * in plain HTTP never loads node:tls nor reads a deferred extra-CA file.
 */
function trustingConnector(base: buildConnector.BuildOptions, trust: TrustSettings): buildConnector.connector {
  const plain = buildConnector(base);
  let secure: buildConnector.connector | undefined;
  return (options, callback) => {
    if (options.protocol !== 'https:') return plain(options, callback);
    try {
      secure ??= buildConnector({ ...base, secureContext: secureContextFor(trust) });
    } catch (error) {
      callback(error as Error, null);
      return;
    }
    return secure(options, callback);
  };
}

function hasProxyEnv(): boolean {
  const env = process.env;
  return Boolean(env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy);
}
