// Blob upload sessions of the distribution spec: start (or mount), PATCH chunks with Content-Range, ask where a
// session stands after a dropped connection, finish with PUT ?digest=, cancel with DELETE.
import type { Readable } from 'node:stream';
import { MANIFEST_ACCEPT } from '../../../shared/media-types.js';
import { StevedoreError } from '../errors.js';
import { header } from '../http/transport.js';
import { repositoryScope } from '../auth/authenticator.js';
import { isDigest } from '../reference.js';
import type { RegistryClient } from './client.js';
import { responseError } from './response-error.js';

export type StartResult = { readonly kind: 'mounted' } | { readonly kind: 'session'; readonly location: string; readonly minChunk: number };

const OCTETS = { 'content-type': 'application/octet-stream' };

export class SessionGoneError extends StevedoreError {
  constructor(location: string) {
    super('REGISTRY_ERROR', 'the registry forgot the upload session (blob upload unknown)', { url: location });
  }
}

/** How long an abandoned upload session's DELETE may take; after a cancel, much less. */
const CLEANUP_MS = 5_000;
const CLEANUP_AFTER_CANCEL_MS = 500;

/** Chunks are held in memory: a minimum past this is refused rather than allocated. */
const MAX_MIN_CHUNK = 512 * 1024 * 1024;

/** OCI-Chunk-Min-Length: plain digits within reason, or the registry said something we cannot act on. */
function minChunkOf(value: string | undefined, url: string): number {
  if (value === undefined) return 0;
  const size = /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(size <= MAX_MIN_CHUNK)) throw new StevedoreError('INVALID_RESPONSE', `the registry asked for chunks of at least "${value.slice(0, 40)}" bytes (OCI-Chunk-Min-Length), not a size up to ${MAX_MIN_CHUNK}`, { url });
  return size;
}

/** Location may be relative or on another host: resolve it against the URL that answered (spec: Location). */
function locationOf(responseUrl: string, value: string | undefined, what: string): string {
  if (!value) throw new StevedoreError('INVALID_RESPONSE', `${what}: the registry gave no Location`);
  return new URL(value, responseUrl).toString();
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url.toString();
}

export class UploadSessions {
  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
  ) {}

  #scopes(from?: string): string[] {
    const scopes = [repositoryScope(this.repository, true)];
    if (from && from !== this.repository) scopes.push(repositoryScope(from));
    return scopes;
  }

  /** Opens an upload session, or mounts `mount.digest` from another repository when the registry allows it. */
  async start(signal?: AbortSignal, mount?: { digest: string; from: string }): Promise<StartResult> {
    const query = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : '';
    const response = await this.client.send({ method: 'POST', path: `/v2/${this.repository}/blobs/uploads/${query}`, scopes: this.#scopes(mount?.from), headers: { 'content-length': '0' }, signal });
    if (mount && response.status === 201) {
      await response.body.dump().catch(() => undefined);
      return { kind: 'mounted' };
    }
    if (response.status !== 202) {
      if (mount) {
        // Mount refused with 401/400/404 (Harbor, Docker Hub): a plain upload still works.
        await response.body.dump().catch(() => undefined);
        return this.start(signal);
      }
      throw await responseError(response, 'POST', `start upload to ${this.client.registry}/${this.repository}`);
    }
    await response.body.dump().catch(() => undefined);
    return { kind: 'session', location: locationOf(response.url, header(response, 'location'), 'start upload'), minChunk: minChunkOf(header(response, 'oci-chunk-min-length'), response.url) };
  }

  /** Sends bytes starting at `start`; returns the next Location and the last byte offset the registry holds. */
  async patch(location: string, start: number, body: Uint8Array, signal?: AbortSignal): Promise<{ location: string; end: number }> {
    return this.patchStream(location, start, body, body.length, signal);
  }

  /**
   * Like `patch`, with a body that may be a stream: the rest of a blob in one request. With `length` unknown the
   * request is chunked and the registry appends at its own offset.
   */
  async patchStream(location: string, start: number, body: Uint8Array | Readable, length: number | undefined, signal?: AbortSignal): Promise<{ location: string; end: number }> {
    const end = start + (length ?? 0) - 1;
    const sized: Record<string, string> = length === undefined ? {} : { 'content-range': `${start}-${end}`, 'content-length': String(length) };
    const response = await this.client.send({
      method: 'PATCH',
      url: location,
      scopes: this.#scopes(),
      headers: { ...OCTETS, ...sized },
      body,
      signal,
      retry: false,
    });
    if (response.status === 404) {
      await response.body.dump().catch(() => undefined);
      throw new SessionGoneError(location);
    }
    if (response.status !== 202) throw await responseError(response, 'PATCH', `upload to ${this.client.registry}/${this.repository}`);
    await response.body.dump().catch(() => undefined);
    return { location: locationOf(response.url, header(response, 'location') ?? location, 'upload'), end: rangeEnd(header(response, 'range')) ?? end };
  }

  /** Where an interrupted session stands: the last byte offset held (-1 for none). */
  async status(location: string, signal?: AbortSignal): Promise<{ location: string; end: number }> {
    const response = await this.client.send({ method: 'GET', url: location, scopes: this.#scopes(), signal });
    await response.body.dump().catch(() => undefined);
    if (response.status === 404) throw new SessionGoneError(location);
    if (response.status !== 204 && response.status !== 200) throw await responseError(response, 'GET', `upload status at ${this.client.registry}/${this.repository}`);
    return { location: locationOf(response.url, header(response, 'location') ?? location, 'upload status'), end: rangeEnd(header(response, 'range')) ?? -1 };
  }

  /** Completes a session; with `body`, the whole blob in one request (monolithic). */
  async finish(location: string, digest: string, body?: Uint8Array, signal?: AbortSignal): Promise<void> {
    const response = await this.client.send({
      method: 'PUT',
      url: withDigest(location, digest),
      scopes: this.#scopes(),
      headers: { ...OCTETS, 'content-length': String(body?.length ?? 0) },
      ...(body ? { body } : {}),
      signal,
      retry: body !== undefined,
    });
    if (response.status === 404) {
      await response.body.dump().catch(() => undefined);
      throw new SessionGoneError(location);
    }
    if (response.status !== 201) throw await responseError(response, 'PUT', `finish upload of ${digest}`);
    await response.body.dump().catch(() => undefined);
    const stored = header(response, 'docker-content-digest');
    // A registry may answer with its canonical (sha256) digest for a blob sent as sha512: the two can only be compared
    // within one algorithm, and the blob stays addressable by the digest it was sent as.
    if (stored && sameAlgorithm(stored, digest) && stored !== digest) throw new StevedoreError('DIGEST_MISMATCH', `the registry stored ${stored} for a blob sent as ${digest}`);
  }

  /** Whether the repository holds the blob (after a finish whose answer was lost). */
  async exists(digest: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.client.headBlob(this.repository, digest, signal, true)) !== undefined;
  }

  /**
   * Best effort: a failed or cancelled push should not leave sessions open. Once the job's `signal` is aborted (a
   * cancel), the DELETE gets only a moment: Cancel ends a job within about a second, and the session expires anyway.
   */
  async cancel(location: string, signal?: AbortSignal): Promise<void> {
    try {
      const deadline = signal?.aborted ? CLEANUP_AFTER_CANCEL_MS : CLEANUP_MS;
      const response = await this.client.send({ method: 'DELETE', url: location, scopes: this.#scopes(), signal: AbortSignal.timeout(deadline) });
      await response.body.dump().catch(() => undefined);
    } catch {
      // the session expires on its own
    }
  }

  /**
   * The digest a tag names now (HEAD, with the push's own scopes: no second token), or undefined where it names
   * nothing or the registry does not say. A hint only, so any failure is undefined too: the manifest is then PUT.
   */
  async taggedDigest(tag: string, signal?: AbortSignal): Promise<string | undefined> {
    return (await this.tagAnswer(tag, signal))?.digest;
  }

  /**
   * What the registry says a tag names, asked once: `{ digest }` (undefined when it names nothing: 404), or undefined
   * when the registry gave no clear answer (a failure, the signal's deadline, a 200 without a digest).
   */
  async tagAnswer(tag: string, signal?: AbortSignal): Promise<{ readonly digest: string | undefined } | undefined> {
    try {
      const response = await this.client.send({ method: 'HEAD', path: `/v2/${this.repository}/manifests/${tag}`, scopes: this.#scopes(), headers: { accept: MANIFEST_ACCEPT }, signal });
      await response.body.dump().catch(() => undefined);
      if (response.status === 404) return { digest: undefined };
      const digest = response.status === 200 ? header(response, 'docker-content-digest') : undefined;
      return digest !== undefined && isDigest(digest) ? { digest } : undefined;
    } catch {
      return undefined;
    }
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string | undefined> {
    const response = await this.client.send({
      method: 'PUT',
      path: `/v2/${this.repository}/manifests/${reference}`,
      scopes: this.#scopes(),
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: bytes,
      signal,
    });
    if (response.status !== 201 && response.status !== 200) throw await responseError(response, 'PUT', `manifest ${this.client.registry}/${this.repository}:${reference}`);
    await response.body.dump().catch(() => undefined);
    return header(response, 'docker-content-digest');
  }
}

/**
 * The last byte offset a `Range: 0-<end>` header says the registry holds. Distribution answers `0-0` for an empty
 * session, which reads the same as one byte held; the empty session is the case that happens (a first chunk
 * refused or lost), so `0-0` means nothing held. Were it one byte, the resend would be refused and asked again.
 */
export function rangeEnd(value: string | undefined): number | undefined {
  const match = /^(?:bytes=)?(\d+)-(\d+)$/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const end = Number(match[2]);
  return end === 0 ? -1 : end;
}

function sameAlgorithm(a: string, b: string): boolean {
  return a.slice(0, a.indexOf(':')) === b.slice(0, b.indexOf(':'));
}
