// The Bearer token flow (distribution token spec): GET with Basic, or the OAuth2 form POST for refresh tokens.
import { StevedoreError } from '../errors.js';
import { authFailed, authRequired } from './auth-errors.js';
import type { Transport } from '../http/transport.js';
import { readJson } from '../http/body.js';
import type { Challenge } from './challenge.js';
import type { Credential } from './credentials.js';

export interface Token {
  readonly token: string;
  readonly expiresAt: number;
}

const DEFAULT_EXPIRES_IN_S = 60;
const CLIENT_ID = 'stevedore';

export async function fetchToken(
  transport: Transport,
  challenge: Challenge,
  scopes: readonly string[],
  credential: Credential | undefined,
  registry: string,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<Token> {
  const realm = challenge.params.realm;
  if (!realm || !/^https?:\/\//i.test(realm)) {
    throw new StevedoreError('REGISTRY_ERROR', `${registry} asked for a token but gave no usable realm ("${realm ?? ''}")`);
  }
  const service = challenge.params.service;
  let response = credential?.kind === 'identity-token' ? await postForToken(transport, realm, service, scopes, credential.token, signal) : undefined;
  if (response === undefined || response.status === 404 || response.status === 405) {
    if (response) await response.body.dump().catch(() => undefined);
    response = await getToken(transport, realm, service, scopes, credential, signal);
  }
  const where = { method: 'GET', url: realm, status: response.status };
  if (response.status === 401 || response.status === 403) {
    await response.body.dump().catch(() => undefined);
    if (credential === undefined) {
      throw authRequired(registry, where);
    }
    throw authFailed(registry, where);
  }
  if (response.status !== 200) {
    await response.body.dump().catch(() => undefined);
    throw new StevedoreError('REGISTRY_ERROR', `token server for ${registry} answered HTTP ${response.status}`, where);
  }
  const body = (await readJson(response, 1024 * 1024, where)) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
  const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new StevedoreError('INVALID_RESPONSE', `token server for ${registry} answered without a token`, where);
  }
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_EXPIRES_IN_S;
  const margin = Math.min(10, expiresIn / 10);
  return { token, expiresAt: now() + (expiresIn - margin) * 1000 };
}

function getToken(transport: Transport, realm: string, service: string | undefined, scopes: readonly string[], credential: Credential | undefined, signal?: AbortSignal) {
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  url.searchParams.set('client_id', CLIENT_ID);
  const headers: Record<string, string> = {};
  if (credential?.kind === 'basic') {
    url.searchParams.set('account', credential.username);
    headers.authorization = basicHeader(credential.username, credential.password);
  }
  return transport.send({ method: 'GET', url: url.toString(), headers, signal });
}

function postForToken(transport: Transport, realm: string, service: string | undefined, scopes: readonly string[], refreshToken: string, signal?: AbortSignal) {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID });
  if (service) form.set('service', service);
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
  return transport.send({
    method: 'POST',
    url: realm,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal,
  });
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
