// Per-registry authentication state: the challenge learned from 401s, the credential, and tokens per scope set.
import { onAbort } from '../abort-fanout.js';
import { StevedoreError } from '../errors.js';
import type { Transport } from '../http/transport.js';
import { logEvent } from '../log.js';
import { authFailed, authRequired } from './auth-errors.js';
import { pickChallenge, type Challenge } from './challenge.js';
import { sameCredential, type Credential, type CredentialProvider } from './credentials.js';
import { basicHeader, fetchToken, type Token } from './token.js';

export type AuthScheme = 'none' | 'basic' | 'bearer';

/** How long concurrent first requests wait for the first one's answer (its challenge) before asking on their own. */
const FIRST_ANSWER_WAIT_MS = 2_000;

export class Authenticator {
  readonly #registry: string;
  readonly #transport: Transport;
  readonly #credentials: CredentialProvider;
  readonly #now: () => number;
  #challenge: Challenge | undefined;
  #credential: Promise<Credential | undefined> | undefined;
  #credentialStamp: string | undefined;
  readonly #tokens = new Map<string, Promise<Token>>();
  /** Whether this origin has answered a request yet (with or without a challenge). */
  #answered = false;
  /** The one request asking before any answer came back; the others wait for what it learns. */
  #probe: { readonly done: Promise<void>; readonly release: () => void } | undefined;

  constructor(registry: string, transport: Transport, credentials: CredentialProvider, now: () => number = Date.now) {
    this.#registry = registry;
    this.#transport = transport;
    this.#credentials = credentials;
    this.#now = now;
  }

  get scheme(): AuthScheme {
    if (this.#challenge === undefined) return 'none';
    return this.#challenge.scheme === 'bearer' ? 'bearer' : 'basic';
  }

  credential(signal?: AbortSignal): Promise<Credential | undefined> {
    // Read again when the source changed since (a `docker login` in a terminal takes effect at the next request).
    const stamp = this.#credentials.stamp?.();
    if (stamp !== this.#credentialStamp) {
      this.#credentialStamp = stamp;
      if (this.#credential !== undefined) {
        this.#credential = undefined;
        this.#tokens.clear();
      }
    }
    this.#credential ??= this.#credentials.get(this.#registry, signal).catch((error: unknown) => {
      this.#credential = undefined;
      throw error;
    });
    return this.#credential;
  }

  async hasCredential(signal?: AbortSignal): Promise<boolean> {
    return (await this.credential(signal)) !== undefined;
  }

  /**
   * The Authorization header for a request needing `scopes`, or undefined while the registry asked for none.
   * Until the origin has answered once, one request goes ahead without credentials and the others wait for its
   * answer: concurrent first requests cost one 401, not one each, and then carry credentials from the start.
   * The caller reports every answer with `answered` (or `onUnauthorized`), and a failed send with `unanswered`.
   */
  async authorize(scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    await this.#firstAnswer(signal);
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    const credential = await this.credential(signal);
    if (credential?.kind === 'registry-token') return `Bearer ${credential.token}`;
    if (challenge.scheme === 'basic') {
      return credential?.kind === 'basic' ? basicHeader(credential.username, credential.password) : undefined;
    }
    let token: Token;
    try {
      token = await this.#token(challenge, scopes, credential, signal);
    } catch (error) {
      // The token server refused: a credential helper may hold a new password by now.
      const refused = error instanceof StevedoreError && (error.code === 'AUTH_FAILED' || error.code === 'AUTH_REQUIRED');
      if (!refused || !(await this.#changedOnReread(credential, signal))) throw error;
      token = await this.#token(challenge, scopes, await this.credential(signal), signal);
    }
    return `Bearer ${token.token}`;
  }

  /** Takes the origin's challenge; true when it is new (or its scheme changed). */
  #adopt(challenge: Challenge): boolean {
    const learnedNow = this.#challenge === undefined || this.#challenge.scheme !== challenge.scheme;
    this.#challenge = challenge;
    this.#answered = true;
    if (learnedNow) logEvent('auth.challenge', { registry: this.#registry, scheme: challenge.scheme, ...(challenge.params.realm ? { realm: challenge.params.realm } : {}), ...(challenge.params.service ? { service: challenge.params.service } : {}) });
    return learnedNow;
  }

  /** A 401 seen outside an authorized request (the client's scheme probe): its challenge saves the next request one 401. */
  heard(wwwAuthenticate: readonly Challenge[]): void {
    const challenge = pickChallenge(wwwAuthenticate);
    if (challenge !== undefined && this.#challenge === undefined) this.#adopt(challenge);
  }

  /** The origin answered without asking for credentials (or after accepting them). */
  answered(): void {
    this.#answered = true;
    this.#releaseProbe();
  }

  /** A request failed before any answer (network, abort): a waiting request goes ahead in its place. */
  unanswered(): void {
    this.#releaseProbe();
  }

  async #firstAnswer(signal?: AbortSignal): Promise<void> {
    // Without a credential there is nothing to send once the challenge is known: waiting would gain nothing.
    if (this.#answered || this.#challenge !== undefined || !(await this.hasCredential(signal))) return;
    const waitUntil = Date.now() + FIRST_ANSWER_WAIT_MS;
    while (!this.#answered && this.#challenge === undefined) {
      const probe = this.#probe;
      if (probe === undefined) {
        let release!: () => void;
        const done = new Promise<void>((resolve) => (release = resolve));
        this.#probe = { done, release };
        return;
      }
      signal?.throwIfAborted();
      const left = waitUntil - Date.now();
      // A first request that hangs must not hold the others: past the wait they go ahead and meet their own 401.
      if (left <= 0) return;
      await abortable(probe.done, signal, left);
    }
  }

  #releaseProbe(): void {
    const probe = this.#probe;
    this.#probe = undefined;
    probe?.release();
  }

  /**
   * Learns from a 401 and says which scopes to retry with; throws when retrying cannot help.
   * `sentAuthorization` tells whether the refused request carried credentials already.
   */
  async onUnauthorized(
    wwwAuthenticate: readonly Challenge[],
    scopes: readonly string[],
    sentAuthorization: boolean,
    firstRefusal: boolean,
    signal?: AbortSignal,
  ): Promise<readonly string[]> {
    try {
      return await this.#learn(wwwAuthenticate, scopes, sentAuthorization, firstRefusal, signal);
    } finally {
      // Requests waiting for the first answer go ahead now, with the challenge (and credential) known.
      this.#releaseProbe();
    }
  }

  async #learn(wwwAuthenticate: readonly Challenge[], scopes: readonly string[], sentAuthorization: boolean, firstRefusal: boolean, signal?: AbortSignal): Promise<readonly string[]> {
    const challenge = pickChallenge(wwwAuthenticate);
    if (challenge === undefined) {
      throw new StevedoreError('AUTH_REQUIRED', `${this.#registry} answered 401 without a Basic or Bearer challenge`);
    }
    const learnedNow = this.#adopt(challenge);
    const credential = await this.credential(signal);
    if (!sentAuthorization || learnedNow) {
      if (challenge.scheme === 'basic' && credential?.kind !== 'basic') {
        if (await this.#changedOnReread(credential, signal)) return scopes;
        throw this.#required();
      }
      return scopes;
    }
    this.#forgetTokens(scopes);
    if (challenge.scheme === 'bearer' && challenge.params.error === 'insufficient_scope') {
      const wanted = (challenge.params.scope ?? '').split(' ').filter((s) => s !== '' && !scopes.includes(s));
      if (wanted.length > 0) return [...scopes, ...wanted];
      if (credential === undefined) throw this.#required();
      throw new StevedoreError('DENIED', `${this.#registry} denied access to ${scopes.join(' ') || 'this resource'} for this account`);
    }
    // A cached token may have been revoked or expired early: one fresh token is worth a try.
    if (challenge.scheme === 'bearer' && firstRefusal && credential?.kind !== 'registry-token') return scopes;
    // Before giving up, read the credentials again: a credential helper may hold a new password by now.
    if (await this.#changedOnReread(credential, signal)) return scopes;
    if (credential === undefined) throw this.#required();
    throw authFailed(this.#registry);
  }

  /** Reads the credentials again; true when they differ from the ones just refused (then tokens start afresh). */
  async #changedOnReread(refused: Credential | undefined, signal?: AbortSignal): Promise<boolean> {
    this.#credential = undefined;
    const fresh = await this.credential(signal);
    if (sameCredential(refused, fresh)) return false;
    this.#tokens.clear();
    return true;
  }

  #required(): StevedoreError {
    return authRequired(this.#registry);
  }

  #token(challenge: Challenge, scopes: readonly string[], credential: Credential | undefined, signal?: AbortSignal): Promise<Token> {
    const key = scopeKey(scopes);
    const cached = this.#tokens.get(key);
    if (cached) {
      return cached.then((token) => (token.expiresAt > this.#now() ? token : this.#refetch(key, challenge, scopes, credential, signal)));
    }
    return this.#refetch(key, challenge, scopes, credential, signal);
  }

  #refetch(key: string, challenge: Challenge, scopes: readonly string[], credential: Credential | undefined, signal?: AbortSignal): Promise<Token> {
    const pending = fetchToken(this.#transport, challenge, scopes, credential, this.#registry, signal, this.#now);
    this.#tokens.set(key, pending);
    pending.then((token) => logEvent('auth.token', { registry: this.#registry, scopes, expiresInS: Math.round((token.expiresAt - this.#now()) / 1000) }), () => undefined);
    pending.catch(() => {
      if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    });
    return pending;
  }

  #forgetTokens(scopes: readonly string[]): void {
    this.#tokens.delete(scopeKey(scopes));
  }
}

/**
 * Waits for `promise` at most `ms`, or stops waiting (not the promise) when `signal` aborts; one listener per shared
 * signal.
 */
function abortable(promise: Promise<void>, signal: AbortSignal | undefined, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    const unlink = signal ? onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }) : () => undefined;
    function done(): void {
      clearTimeout(timer);
      unlink();
      resolve();
    }
    void promise.then(done);
  });
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ');
}

/** Scope for a repository; push comes first because some registries read only the first action. */
export function repositoryScope(repository: string, push = false): string {
  return `repository:${repository}:${push ? 'push,pull' : 'pull'}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';
