// One engine client per registry profile, built from its settings and credential source, rebuilt when it changes.
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { anonymous, staticCredentials, type CredentialProvider } from '../core/auth/credentials.js';
import { dockerConfigCredentials } from '../core/auth/docker-config.js';
import type { ContentCache } from '../core/cache/content-cache.js';
import { StevedoreError } from '../core/errors.js';
import { apiHost, parseRegistry } from '../core/reference.js';
import { RegistryClient } from '../core/registry/client.js';
import { loadTlsSettings } from '../core/tls-files.js';
import type { SecretStore } from './secret-store.js';
import type { SystemNetwork } from './system-network.js';

export class RegistryClients {
  readonly #clients = new Map<string, { key: string; client: RegistryClient }>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly cache: ContentCache,
    private readonly network?: SystemNetwork,
  ) {}

  async for(profile: RegistryProfile): Promise<RegistryClient> {
    const key = JSON.stringify(profile);
    const known = this.#clients.get(profile.id);
    if (known?.key === key) return known.client;
    if (known) await known.client.close();
    const client = await this.build(profile);
    this.#clients.set(profile.id, { key, client });
    return client;
  }

  /** A client of its own for a profile not saved yet (the caller closes it); `secret` stands in for a stored one. */
  async build(profile: RegistryProfile, secret?: string): Promise<RegistryClient> {
    const { registry, scheme } = parseRegistry(profile.url);
    const tls = await loadTlsSettings(registry, profile.caFile ? { caFile: profile.caFile } : {});
    const systemCa = this.network?.systemCa ?? [];
    const proxyUrl = await this.#proxyFor(registry, scheme);
    return new RegistryClient({
      registry,
      ...(scheme ? { scheme } : {}),
      insecure: profile.insecure,
      tls: systemCa.length > 0 ? { ...tls, ca: [...systemCa, ...(tls.ca === undefined ? [] : typeof tls.ca === 'string' ? [tls.ca] : tls.ca)] } : tls,
      ...(proxyUrl ? { proxyUrl } : {}),
      credentials: this.#credentials(profile, registry, secret),
      cache: this.cache,
      connections: Math.max(4, profile.concurrency * 2),
    });
  }

  async #proxyFor(registry: string, scheme: 'http' | 'https' | undefined): Promise<string | undefined> {
    if (this.network === undefined) return undefined;
    const choice = await this.network.resolveProxy(`${scheme ?? 'https'}://${apiHost(registry)}/v2/`);
    if (choice.kind === 'unsupported') throw new StevedoreError('UNSUPPORTED', `the system proxy for ${registry} is "${choice.rule}": only HTTP(S) proxies are supported`);
    return choice.kind === 'proxy' ? choice.url : undefined;
  }

  #credentials(profile: RegistryProfile, registry: string, given?: string): CredentialProvider {
    if (profile.credentialSource === 'docker-config') return dockerConfigCredentials();
    if (profile.credentialSource === 'none') return anonymous;
    const secret = given ?? this.secrets.get(profile.id);
    if (secret === undefined || profile.username === undefined) {
      throw new StevedoreError('AUTH_REQUIRED', `no stored password for ${profile.name}: edit the registry and enter it`);
    }
    return staticCredentials({ [registry]: { kind: 'basic', username: profile.username, password: secret } });
  }

  async forget(id: string): Promise<void> {
    const known = this.#clients.get(id);
    this.#clients.delete(id);
    await known?.client.close();
  }

  async close(): Promise<void> {
    for (const { client } of this.#clients.values()) await client.close();
    this.#clients.clear();
  }
}
