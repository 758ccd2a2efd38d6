// A client for one Registry v2 / OCI distribution registry: every read operation, authenticated and verified.
import type { Readable } from 'node:stream';
import type { Descriptor, Manifest } from '../../../shared/image.js';
import { MANIFEST_ACCEPT, MediaType } from '../../../shared/media-types.js';
import { Authenticator, CATALOG_SCOPE, repositoryScope, type AuthScheme } from '../auth/authenticator.js';
import { parseChallenges } from '../auth/challenge.js';
import { anonymous, type CredentialProvider } from '../auth/credentials.js';
import type { ContentCache } from '../cache/content-cache.js';
import { VerifyingStream, algorithmOf, digestOf, verifyDigest } from '../digest.js';
import { StevedoreError, isStevedoreError } from '../errors.js';
import { readJson, readLimited, strictLength } from '../http/body.js';
import { isPlainHttpServerError, toNetworkError } from '../http/network-errors.js';
import type { RetryPolicy } from '../http/retry.js';
import { Transport, header, headerValues, type HttpResponse, type RequestBody, type TlsSettings } from '../http/transport.js';
import { apiHost, isDigest, isLoopbackHost } from '../reference.js';
import { parseManifest } from './manifest.js';
import { canonicalManifestBytes } from './schema1.js';
import { NEW_TRAIL, cursorOf, fromCursor, nextPageUrl, visitPage } from './pagination.js';
import { manifestResponseError, responseError } from './response-error.js';
import type { SchemeMemory } from './scheme-memory.js';

export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const USER_AGENT = 'stevedore/0.1';
const VALID_TAG = /^[\w][\w.-]{0,127}$/;
const MAX_REPOSITORY_LENGTH = 255;
const VALID_REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export interface RegistryClientOptions {
  /** As references name it: `localhost:5000`, `docker.io`. */
  readonly registry: string;
  /** Forces the scheme; otherwise HTTPS, with plain HTTP for loopback or insecure registries that do not speak TLS. */
  readonly scheme?: 'http' | 'https';
  /** Explicit opt-in: allow plain HTTP and skip TLS verification. */
  readonly insecure?: boolean;
  readonly tls?: TlsSettings;
  readonly credentials?: CredentialProvider;
  readonly cache?: ContentCache;
  /** Where a loopback registry's plain HTTP is remembered between processes, so it is not probed with TLS again. */
  readonly schemes?: SchemeMemory;
  readonly retry?: RetryPolicy;
  readonly maxManifestBytes?: number;
  readonly connections?: number;
  /** See TransportOptions; default from STEVEDORE_HTTP_TIMEOUT / STEVEDORE_HTTP_IDLE_TIMEOUT. */
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** An HTTP(S) proxy chosen by the OS (the desktop app); otherwise HTTPS_PROXY / NO_PROXY apply. */
  readonly proxyUrl?: string;
}

export interface PingResult {
  readonly url: string;
  readonly auth: AuthScheme;
  /** Credentials were found for this registry (and accepted, since ping succeeded). */
  readonly usedCredentials: boolean;
  readonly apiVersion?: string;
  readonly rateLimit?: RateLimit;
}

export interface RateLimit {
  readonly limit: number;
  readonly remaining: number;
}

export interface FetchedManifest {
  readonly digest: string;
  /** The bytes were hashed and match `digest`; false only for a digest algorithm we cannot compute (passed through). */
  readonly verified: boolean;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly manifest: Manifest;
}

/** What defines a listing (the catalog, or one repository's tags): the scope, the JSON field, what makes an entry valid. */
interface Listing {
  readonly scopes: readonly string[];
  readonly field: 'repositories' | 'tags';
  readonly what: string;
  readonly isValid: (entry: string) => boolean;
}

export interface ListPage {
  readonly items: readonly string[];
  /** Absolute URL of the next page; absent on the last. */
  readonly next?: string;
}

export interface PageOptions {
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path?: string;
  readonly url?: string;
  readonly scopes: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal;
  /** false: the caller handles failures itself (chunk uploads resume from the registry's offset instead). */
  readonly retry?: boolean;
  /** See HttpRequest.readBuffer: for blob bodies read as a stream. */
  readonly readBuffer?: number;
}

const MAX_FOREIGN_ORIGINS = 8;
const REGISTRY_PAGE_CAP = 1000;

export class RegistryClient {
  readonly registry: string;
  readonly #options: RegistryClientOptions;
  readonly #transport: Transport;
  readonly #auth: Authenticator;
  /** Anonymous authentication state for other origins the registry sent us to, oldest first. */
  readonly #foreignAuth = new Map<string, Authenticator>();
  #base: Promise<string> | undefined;
  /** A remembered plain HTTP base no answer has confirmed yet (see #send). */
  #unconfirmed: string | undefined;
  /** The check that runs when the unconfirmed base meets a failure or a 400: true when plain HTTP holds. */
  #recheck: Promise<boolean> | undefined;
  /** The remembered base that proved wrong; the memory is not believed again by this client. */
  #wrongBase: string | undefined;
  #doubted = false;
  #rateLimit: RateLimit | undefined;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.#options = options;
    const loopback = isLoopbackHost(options.registry);
    this.#transport = new Transport({
      tls: { ...options.tls, ...(options.insecure ? { insecureSkipVerify: true } : {}) },
      useEnvProxy: !loopback,
      ...(options.proxyUrl && !loopback ? { proxyUrl: options.proxyUrl } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.connections ? { connections: options.connections } : {}),
      ...(options.headersTimeoutMs ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
    this.#auth = new Authenticator(options.registry, this.#transport, options.credentials ?? anonymous);
  }

  get rateLimit(): RateLimit | undefined {
    return this.#rateLimit;
  }

  async close(): Promise<void> {
    await this.#options.cache?.flush();
    await this.#transport.close();
  }

  /** The registry's base URL, found once: HTTPS, or plain HTTP where allowed and the server does not speak TLS. */
  baseUrl(signal?: AbortSignal): Promise<string> {
    this.#base ??= this.#detectBase(signal).catch((error: unknown) => {
      this.#base = undefined;
      throw error;
    });
    return this.#base;
  }

  async #detectBase(signal?: AbortSignal): Promise<string> {
    const host = apiHost(this.registry);
    if (this.#options.scheme === 'http' && !this.#options.insecure && !isLoopbackHost(this.registry)) {
      throw new StevedoreError('CONFIG', `plain HTTP to ${this.registry} needs the insecure opt-in`);
    }
    if (this.#options.scheme) return `${this.#options.scheme}://${host}`;
    const schemes = this.#options.schemes;
    const remembered = schemes?.plainHttp(this.registry) === true;
    // Asked in plain HTTP at once, without a probe first: the first answer confirms it, and #send catches a wrong guess.
    if (remembered && !this.#doubted) {
      this.#unconfirmed = `http://${host}`;
      return this.#unconfirmed;
    }
    const https = `https://${host}`;
    try {
      const response = await this.#transport.send({ method: 'GET', url: `${https}/v2/`, signal, headers: { 'user-agent': USER_AGENT } });
      await response.body.dump().catch(() => undefined);
      if (remembered) schemes?.remember(this.registry, 'https');
      // Its challenge is the one every request would meet first: learnt here, it costs the registry no second 401.
      if (response.status === 401) this.#auth.heard(parseChallenges(headerValues(response, 'www-authenticate')));
      else if (response.status < 400) this.#auth.answered();
      return https;
    } catch (error) {
      const mayUseHttp = this.#options.insecure === true || isLoopbackHost(this.registry);
      if (mayUseHttp && isPlainHttpServerError((error as Error).cause ?? error)) {
        if (!remembered) schemes?.remember(this.registry, 'http');
        // Found again without the memory: a plain HTTP base the memory's check doubted holds after all (else every
        // request would be sent back to be rebased on it, forever).
        this.#wrongBase = undefined;
        return `http://${host}`;
      }
      throw error;
    }
  }

  /**
   * Checks a remembered plain HTTP: the registry answers HEAD /v2/ in HTTP. A server that moved to TLS fails the
   * request or answers 400 (what Go's and nginx's TLS servers say to plain HTTP), and the usual probe runs instead.
   */
  async #answersPlainHttp(host: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const response = await this.#transport.send({ method: 'HEAD', url: `http://${host}/v2/`, signal, headers: { 'user-agent': USER_AGENT }, retry: false });
      await response.body.dump().catch(() => undefined);
      return response.status !== 400;
    } catch {
      signal?.throwIfAborted();
      return false;
    }
  }

  /** A raw authenticated request, for the write operations that live in their own modules (uploads). */
  send(req: RegistryRequest): Promise<HttpResponse> {
    return this.#send(req);
  }

  /**
   * A request on a remembered plain HTTP base is sent at once. An answer other than 400 confirms the base, as the probe
   * would have (a TLS server answers plain HTTP with 400 or a dropped connection). A failure or a 400 before that runs
   * the probe; if plain HTTP does not hold, the base is found again (TLS) and the request sent there. A stream body,
   * which cannot be sent twice, waits for the probe instead. Only loopback hosts are remembered (scheme-memory.ts).
   */
  async #send(req: RegistryRequest): Promise<HttpResponse> {
    const base = await this.baseUrl(req.signal);
    if (base === this.#wrongBase) return this.#send(rebased(req, base));
    if (this.#unconfirmed !== base) return this.#sendOn(base, req);
    if (req.body !== undefined && typeof req.body !== 'string' && !(req.body instanceof Uint8Array)) {
      return (await this.#wrongScheme(base)) ? this.#send(req) : this.#sendOn(base, req);
    }
    try {
      const response = await this.#sendOn(base, req);
      if (response.status !== 400) {
        if (this.#unconfirmed === base) this.#unconfirmed = undefined;
        return response;
      }
      if (!(await this.#wrongScheme(base))) return response;
      await response.body.dump().catch(() => undefined);
    } catch (error) {
      if (!(await this.#wrongScheme(base))) throw error;
    }
    return this.#send(rebased(req, base));
  }

  /**
   * Whether a remembered plain HTTP base proved wrong: probed once (HEAD /v2/, as before any request when nothing was
   * remembered); then the base is found again without the memory. A base confirmed meanwhile is not wrong.
   */
  #wrongScheme(base: string): Promise<boolean> {
    if (base === this.#wrongBase) return Promise.resolve(true);
    if (this.#unconfirmed !== base) return Promise.resolve(false);
    // Not tied to the request that met the failure: every request in flight on the base waits for this answer.
    this.#recheck ??= this.#answersPlainHttp(apiHost(this.registry)).then((holds) => {
      this.#unconfirmed = undefined;
      if (!holds) {
        this.#wrongBase = base;
        this.#doubted = true;
        this.#base = undefined;
      }
      return holds;
    });
    return this.#recheck.then((holds) => !holds);
  }

  async #sendOn(base: string, req: RegistryRequest): Promise<HttpResponse> {
    let url = req.url ?? `${base}${req.path ?? ''}`;
    let auth = this.#authenticatorFor(url, base);
    let scopes = req.scopes;
    for (let attempt = 0; attempt < 4; attempt++) {
      const authorization = await auth.authorize(scopes, req.signal);
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
      if (authorization) headers.authorization = authorization;
      let response: HttpResponse;
      try {
        response = await this.#transport.send({ method: req.method, url, headers, body: req.body, signal: req.signal, ...(req.retry === false ? { retry: false } : {}), ...(req.readBuffer !== undefined ? { readBuffer: req.readBuffer } : {}) });
      } catch (error) {
        auth.unanswered();
        throw error;
      }
      this.#noteRateLimit(response);
      if (response.status !== 401) {
        auth.answered();
        return response;
      }
      await response.body.dump().catch(() => undefined);
      const challenges = parseChallenges(headerValues(response, 'www-authenticate'));
      // A redirect took the request to another origin (object storage, a CDN), and that origin refused it: the
      // challenge is that origin's own. Learning it here would send our credentials to the realm it names; it is
      // answered by that origin's anonymous authenticator instead, at the URL that refused (sent no credentials).
      const redirected = new URL(response.url).origin !== new URL(url).origin;
      if (redirected) {
        url = response.url;
        auth = this.#authenticatorFor(url, base);
      }
      scopes = await auth.onUnauthorized(challenges, scopes, !redirected && authorization !== undefined, attempt === 0, req.signal);
    }
    throw new StevedoreError('AUTH_FAILED', `${this.registry} kept refusing authorization`, { method: req.method, url });
  }

  /**
   * Credentials belong to one origin (scheme, host and port): an upload Location or a Link on another origin is
   * asked without them, and a 401 there runs that origin's own challenge, anonymously, never inheriting ours.
   */
  #authenticatorFor(url: string, base: string): Authenticator {
    const target = new URL(url);
    if (target.origin === new URL(base).origin) return this.#auth;
    let foreign = this.#foreignAuth.get(target.origin);
    if (foreign === undefined) {
      if (this.#foreignAuth.size >= MAX_FOREIGN_ORIGINS) this.#foreignAuth.delete(this.#foreignAuth.keys().next().value as string);
      foreign = new Authenticator(target.host, this.#transport, anonymous);
      this.#foreignAuth.set(target.origin, foreign);
    }
    return foreign;
  }

  #noteRateLimit(response: HttpResponse): void {
    const limit = parseInt(header(response, 'ratelimit-limit') ?? '', 10);
    const remaining = parseInt(header(response, 'ratelimit-remaining') ?? '', 10);
    if (Number.isFinite(limit) && Number.isFinite(remaining)) this.#rateLimit = { limit, remaining };
  }

  /** GET /v2/: reachable, which auth it wants, and whether our credentials (if any) are accepted. */
  async ping(signal?: AbortSignal): Promise<PingResult> {
    const response = await this.#send({ method: 'GET', path: '/v2/', scopes: [], signal });
    if (response.status !== 200) {
      const error = await responseError(response, 'GET', `${this.registry}`);
      if (response.status === 404) throw new StevedoreError('UNSUPPORTED', `${this.registry} does not serve the Registry v2 API (GET /v2/ answered 404)`, error.details);
      throw error;
    }
    // A web server answering 200 with a page is not a registry: the API answers /v2/ with JSON (usually `{}`).
    const notRegistry = (what: string): StevedoreError =>
      new StevedoreError('UNSUPPORTED', `${this.registry} is not a registry: GET /v2/ answered ${what}, not the Registry v2 API`, { status: 200, method: 'GET', url: response.url });
    if (/\bhtml\b/i.test(header(response, 'content-type') ?? '')) {
      await response.body.dump().catch(() => undefined);
      throw notRegistry('with an HTML page');
    }
    const body = await readLimited(response, 64 * 1024, { method: 'GET', url: response.url }).catch(() => undefined);
    if (body === undefined || (body.length > 0 && !isJson(body))) throw notRegistry('with something other than JSON');
    const apiVersion = header(response, 'docker-distribution-api-version');
    return {
      url: await this.baseUrl(signal),
      auth: this.#auth.scheme,
      usedCredentials: this.#auth.scheme !== 'none' && (await this.#auth.hasCredential(signal)),
      ...(apiVersion ? { apiVersion } : {}),
      ...(this.#rateLimit ? { rateLimit: this.#rateLimit } : {}),
    };
  }

  /** Repository names page by page (`_catalog`). Registries that deny the catalog give DENIED or UNSUPPORTED. */
  async *catalogPages(options: PageOptions = {}): AsyncGenerator<readonly string[]> {
    const pageSize = options.pageSize ?? 1000;
    const first = `${await this.baseUrl(options.signal)}/v2/_catalog?n=${pageSize}`;
    yield* this.#pages(first, this.#catalogListing(), pageSize, options.signal);
  }

  async *tagPages(repository: string, options: PageOptions = {}): AsyncGenerator<readonly string[]> {
    const pageSize = options.pageSize ?? 1000;
    const first = `${await this.baseUrl(options.signal)}/v2/${repository}/tags/list?n=${pageSize}`;
    yield* this.#pages(first, this.#tagsListing(repository), pageSize, options.signal);
  }

  #catalogListing(): Listing {
    // The distribution spec caps a repository name at 255 characters: a longer one is junk, skipped like any other
    // (the contract, the catalog cache and the UI would refuse it one by one), and the length is checked first.
    return { scopes: [CATALOG_SCOPE], field: 'repositories', what: `catalog of ${this.registry}`, isValid: (name) => name.length <= MAX_REPOSITORY_LENGTH && VALID_REPOSITORY.test(name) };
  }

  #tagsListing(repository: string): Listing {
    return { scopes: [repositoryScope(repository)], field: 'tags', what: `tags of ${this.registry}/${repository}`, isValid: (tag) => VALID_TAG.test(tag) };
  }

  async listRepositories(options: PageOptions = {}): Promise<string[]> {
    return collect(this.catalogPages(options));
  }

  async listTags(repository: string, options: PageOptions = {}): Promise<string[]> {
    return collect(this.tagPages(repository, options));
  }

  async *#pages(firstUrl: string, listing: Listing, requestedPageSize: number, signal?: AbortSignal): AsyncGenerator<readonly string[]> {
    let url: string | undefined = firstUrl;
    let trail = NEW_TRAIL;
    while (url !== undefined) {
      trail = visitPage(trail, url, listing.what);
      const result: ListPage = await this.#page(url, listing, requestedPageSize, signal);
      if (result.items.length > 0) yield result.items;
      url = result.next;
    }
  }

  /** One page of the catalog; `cursor` is the `next` of the page before (opaque to callers). */
  async catalogPage(options: PageOptions & { cursor?: string } = {}): Promise<ListPage> {
    const pageSize = options.pageSize ?? 1000;
    return this.#cursorPage(options.cursor, '/v2/_catalog', `/v2/_catalog?n=${pageSize}`, this.#catalogListing(), pageSize, options.signal);
  }

  async tagsPage(repository: string, options: PageOptions & { cursor?: string } = {}): Promise<ListPage> {
    const pageSize = options.pageSize ?? 1000;
    const path = `/v2/${repository}/tags/list`;
    return this.#cursorPage(options.cursor, path, `${path}?n=${pageSize}`, this.#tagsListing(repository), pageSize, options.signal);
  }

  /** A page for a caller that keeps only the cursor (the UI): the cursor carries the listing's trail. */
  async #cursorPage(cursor: string | undefined, expectedPath: string, first: string, listing: Listing, pageSize: number, signal?: AbortSignal): Promise<ListPage> {
    const base = await this.baseUrl(signal);
    let start = { url: `${base}${first}`, trail: NEW_TRAIL };
    if (cursor !== undefined) {
      // A cursor comes back from the renderer: it may only continue the same listing on the same registry.
      const parsed = new URL(cursor, base);
      if (parsed.origin !== new URL(base).origin || parsed.pathname !== expectedPath) throw new StevedoreError('INVALID_ARGUMENT', 'that page cursor does not belong to this listing');
      start = fromCursor(parsed);
    }
    const trail = visitPage(start.trail, start.url, listing.what);
    const page = await this.#page(start.url, listing, pageSize, signal);
    return page.next === undefined ? page : { items: page.items, next: cursorOf(page.next, trail) };
  }

  async #page(firstUrl: string, listing: Listing, requestedPageSize: number, signal?: AbortSignal): Promise<ListPage> {
    const { scopes, field, what, isValid } = listing;
    let url = firstUrl;
    let pageSize = requestedPageSize;
    for (let attempt = 0; ; attempt++) {
      const response = await this.#send({ method: 'GET', url, scopes, signal });
      if (response.status !== 200) {
        const error = await responseError(response, 'GET', what);
        // Registries cap the page size (2.8 and ECR: 1000) and refuse larger ones: ask again within the cap.
        if (error.details.registryCode === 'PAGINATION_NUMBER_INVALID' && pageSize > REGISTRY_PAGE_CAP && attempt === 0) {
          pageSize = REGISTRY_PAGE_CAP;
          url = withPageSize(url, pageSize);
          continue;
        }
        if (field === 'repositories' && ['DENIED', 'NOT_FOUND', 'UNSUPPORTED', 'AUTH_REQUIRED'].includes(error.code)) {
          throw new StevedoreError(error.code === 'AUTH_REQUIRED' ? 'AUTH_REQUIRED' : 'DENIED', `${this.registry} does not let this account list its catalog; add repositories by name instead`, error.details);
        }
        throw error;
      }
      const body = (await readJson(response, 64 * 1024 * 1024, { method: 'GET', url })) as Record<string, unknown> | null;
      const raw = body?.[field];
      // Junk entries (null, numbers, digests as tags) are skipped rather than failing the list.
      const items = Array.isArray(raw) ? raw.filter((e): e is string => typeof e === 'string' && isValid(e)) : [];
      // Everything after `last` was asked for, yet `last` came back: the registry ignores it (2.8 for tags) and
      // this page repeats what the first page already held.
      const after = new URL(url).searchParams.get('last');
      if (after !== null && items.includes(after)) return { items: [] };
      const last = items[items.length - 1];
      const linked = nextPageUrl(header(response, 'link'), url);
      // Without a Link, only a page filled to exactly the size asked for, in the lexical order n/last paging
      // promises, may have a next one; a registry that ignores n (2.8 for tags) answers everything, unsorted.
      const pagedInOrder = Array.isArray(raw) && raw.length === pageSize && isAscending(items);
      let next = linked ?? (pagedInOrder && last !== undefined ? withLast(url, last) : undefined);
      // A next page that starts where this one did would loop forever.
      const nextLast = next === undefined ? null : new URL(next).searchParams.get('last');
      if (next !== undefined && (items.length === 0 || (nextLast !== null && nextLast === new URL(url).searchParams.get('last')))) next = undefined;
      return { items, ...(next !== undefined ? { next } : {}) };
    }
  }

  /** GET a manifest by tag or digest; the bytes are hashed and checked against the digest asked for or announced. */
  async getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    if (byDigest) {
      const cached = await this.#options.cache?.get(reference);
      if (cached) {
        const manifest = parseManifest(cached);
        return { digest: reference, verified: true, mediaType: manifest.mediaType, bytes: cached, manifest };
      }
    }
    const what = `manifest ${this.registry}/${repository}${byDigest ? '@' : ':'}${reference}`;
    const response = await this.#send({ method: 'GET', path: `/v2/${repository}/manifests/${reference}`, scopes: [repositoryScope(repository)], headers: { accept: MANIFEST_ACCEPT }, signal });
    if (response.status !== 200) throw await manifestResponseError(response, 'GET', what, `${this.registry}/${repository}`, byDigest ? undefined : reference);
    const limit = this.#options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const bytes = await readLimited(response, limit, { method: 'GET', url: response.url });
    const announced = header(response, 'docker-content-digest');
    // A signed schema 1 manifest is addressed by its payload without the signatures, anything else as served.
    const canonical = canonicalManifestBytes(bytes);
    const expected = byDigest ? reference : announced && isDigest(announced) ? announced : undefined;
    const digest = expected ?? digestOf(canonical.bytes);
    let verified = expected === undefined;
    try {
      if (expected !== undefined) verified = verifyDigest(canonical.bytes, expected, what);
    } catch (error) {
      if (canonical.problem === undefined || !isStevedoreError(error, 'DIGEST_MISMATCH')) throw error;
      throw new StevedoreError('DIGEST_MISMATCH', `${error.message} (a signed schema 1 manifest whose signature block cannot be read: ${canonical.problem})`, error.details);
    }
    const manifest = parseManifest(bytes, header(response, 'content-type'));
    // What is asked for by digest is asked for again by digest (index children, compare, image view); a tag is
    // always asked for again by tag, so only an index found by tag is worth keeping for its children's sake.
    if (verified && manifest.kind !== 'schema1' && (byDigest || manifest.kind === 'index')) this.#options.cache?.putLater(digest, bytes);
    return { digest, verified, mediaType: manifest.mediaType, bytes, manifest };
  }

  /** HEAD a manifest: its descriptor without the body. */
  async headManifest(repository: string, reference: string, signal?: AbortSignal): Promise<Descriptor> {
    const what = `manifest ${this.registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    const response = await this.#send({ method: 'HEAD', path: `/v2/${repository}/manifests/${reference}`, scopes: [repositoryScope(repository)], headers: { accept: MANIFEST_ACCEPT }, signal });
    if (response.status !== 200) throw await manifestResponseError(response, 'HEAD', what, `${this.registry}/${repository}`, isDigest(reference) ? undefined : reference);
    await response.body.dump().catch(() => undefined);
    const digest = header(response, 'docker-content-digest');
    const size = strictLength(header(response, 'content-length'));
    const mediaType = header(response, 'content-type')?.split(';')[0]?.trim() ?? MediaType.ociManifest;
    if (!digest || !isDigest(digest) || size === undefined) {
      // Some registries leave the digest out of HEAD answers: fall back to a verified GET.
      const fetched = await this.getManifest(repository, reference, signal);
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length };
    }
    if (isDigest(reference) && digest !== reference) {
      throw new StevedoreError('DIGEST_MISMATCH', `${what}: registry answered with digest ${digest}`);
    }
    return { digest, mediaType, size };
  }

  /** A small blob (a config) read whole, verified, and cached by digest. */
  async getBlobBytes(repository: string, digest: string, signal?: AbortSignal, limit = DEFAULT_MAX_CONFIG_BYTES): Promise<Buffer> {
    const cached = await this.#options.cache?.get(digest);
    if (cached) return cached;
    const what = `blob ${this.registry}/${repository}@${digest}`;
    const response = await this.#send({ method: 'GET', path: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository)], signal });
    if (response.status !== 200) throw await responseError(response, 'GET', what);
    const bytes = await readLimited(response, limit, { method: 'GET', url: response.url });
    verifyDigest(bytes, digest, what);
    this.#options.cache?.putLater(digest, bytes);
    return bytes;
  }

  /** A blob as a stream; the stream errors with DIGEST_MISMATCH if the bytes do not hash to `digest`. */
  async openBlob(repository: string, digest: string, options: { signal?: AbortSignal; expectedSize?: number } = {}): Promise<{ size: number | undefined; stream: Readable }> {
    algorithmOf(digest);
    const what = `blob ${this.registry}/${repository}@${digest}`;
    const response = await this.#send({ method: 'GET', path: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository)], signal: options.signal });
    if (response.status !== 200) throw await responseError(response, 'GET', what);
    const size = contentLength(response, 'GET', what);
    const verifier = new VerifyingStream(digest, what, options.expectedSize ?? size);
    // A stalled or cut transfer fails as TIMEOUT / NETWORK naming the URL, like every other request.
    response.body.on('error', (error: Error) => verifier.destroy(toNetworkError(error, 'GET', response.url)));
    // A reader that stops early (a file view reads a layer only up to one entry) must release the connection too.
    verifier.once('close', () => response.body.destroy());
    return { size, stream: response.body.pipe(verifier) };
  }

  /** The size of a blob in the repository, or undefined when it is not there. */
  async headBlob(repository: string, digest: string, signal?: AbortSignal, push = false): Promise<number | undefined> {
    const response = await this.#send({ method: 'HEAD', path: `/v2/${repository}/blobs/${digest}`, scopes: [repositoryScope(repository, push)], signal });
    await response.body.dump().catch(() => undefined);
    if (response.status === 404) return undefined;
    const what = `blob ${this.registry}/${repository}@${digest}`;
    if (response.status !== 200) throw await responseError(response, 'HEAD', what);
    return contentLength(response, 'HEAD', what) ?? 0;
  }

  /** Deletes a manifest by digest: every tag pointing at it goes with it. */
  async deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<void> {
    if (!isDigest(digest)) throw new StevedoreError('INVALID_REFERENCE', `delete needs a digest, got "${digest}"`);
    const response = await this.#send({ method: 'DELETE', path: `/v2/${repository}/manifests/${digest}`, scopes: [`repository:${repository}:delete`], signal });
    if (response.status !== 202 && response.status !== 200) throw await responseError(response, 'DELETE', `delete ${this.registry}/${repository}@${digest}`);
    await response.body.dump().catch(() => undefined);
  }

  /** Manifests that refer to `digest` (signatures, SBOMs): the referrers API, else the `sha256-<hex>` tag schema. */
  async referrers(repository: string, digest: string, options: { artifactType?: string; signal?: AbortSignal } = {}): Promise<readonly Descriptor[]> {
    const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '';
    const response = await this.#send({ method: 'GET', path: `/v2/${repository}/referrers/${digest}${query}`, scopes: [repositoryScope(repository)], headers: { accept: MediaType.ociIndex }, signal: options.signal });
    let descriptors: readonly Descriptor[];
    let filtered = false;
    if (response.status === 200) {
      const bytes = await readLimited(response, this.#options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES, { method: 'GET', url: response.url });
      const index = parseManifest(bytes, MediaType.ociIndex);
      descriptors = index.kind === 'index' ? index.manifests : [];
      filtered = (header(response, 'oci-filters-applied') ?? '').includes('artifactType');
    } else if ([404, 400, 405].includes(response.status)) {
      await response.body.dump().catch(() => undefined);
      descriptors = await this.#referrersFromTag(repository, digest, options.signal);
    } else {
      throw await responseError(response, 'GET', `referrers of ${this.registry}/${repository}@${digest}`);
    }
    return options.artifactType && !filtered ? descriptors.filter((d) => d.artifactType === options.artifactType) : descriptors;
  }

  async #referrersFromTag(repository: string, digest: string, signal?: AbortSignal): Promise<readonly Descriptor[]> {
    const tag = digest.replace(':', '-');
    try {
      const { manifest } = await this.getManifest(repository, tag, signal);
      return manifest.kind === 'index' ? manifest.manifests : [];
    } catch (error) {
      if (isStevedoreError(error, 'NOT_FOUND')) return [];
      throw error;
    }
  }
}

/** The Content-Length of an answer, undefined when absent; anything but plain digits is INVALID_RESPONSE. */
function contentLength(response: HttpResponse, method: string, what: string): number | undefined {
  const raw = header(response, 'content-length');
  const size = strictLength(raw);
  if (raw !== undefined && size === undefined) {
    throw new StevedoreError('INVALID_RESPONSE', `${what}: the registry sent an unreadable Content-Length "${raw.slice(0, 40)}"`, { method, url: response.url, status: response.status });
  }
  return size;
}

function withPageSize(url: string, n: number): string {
  const next = new URL(url);
  next.searchParams.set('n', String(n));
  return next.toString();
}

function withLast(url: string, last: string): string {
  const next = new URL(url);
  next.searchParams.set('last', last);
  return next.toString();
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** A request whose URL was built on a base found wrong, on whatever base is found next. */
function rebased(req: RegistryRequest, base: string): RegistryRequest {
  if (!req.url?.startsWith(`${base}/`)) return req;
  const { url, ...rest } = req;
  return { ...rest, path: url.slice(base.length) };
}

async function collect(pages: AsyncIterable<readonly string[]>): Promise<string[]> {
  const all: string[] = [];
  // Not push(...page): spreading a page of 140,000 tags overflows the call stack.
  for await (const page of pages) for (const item of page) all.push(item);
  return all;
}

function isAscending(items: readonly string[]): boolean {
  for (let i = 1; i < items.length; i++) if ((items[i - 1] as string) >= (items[i] as string)) return false;
  return true;
}
