// One engine client per registry profile, built from its settings and credential source, rebuilt when it changes.
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { anonymous, staticCredentials, type CredentialProvider } from '../core/auth/credentials.js';
import { dockerConfigCredentials } from '../core/auth/docker-config.js';
import type { ContentCache } from '../core/cache/content-cache.js';
import { StevedoreError } from '../core/errors.js';
import { parseRegistry } from '../core/reference.js';
import { RegistryClient } from '../core/registry/client.js';
import { loadTlsSettings } from '../core/tls-files.js';
import type { SecretStore } from './secret-store.js';

export class RegistryClients {
  readonly #clients = new Map<string, { key: string; client: RegistryClient }>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly cache: ContentCache,
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
    return new RegistryClient({
      registry,
      ...(scheme ? { scheme } : {}),
      insecure: profile.insecure,
      tls: await loadTlsSettings(registry, profile.caFile ? { caFile: profile.caFile } : {}),
      credentials: this.#credentials(profile, registry, secret),
      cache: this.cache,
      connections: Math.max(4, profile.concurrency * 2),
    });
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
