// Turns command-line options into a registry client: credentials, TLS files, cache and concurrency.
import { dockerConfigCredentials } from '../core/auth/docker-config.js';
import { firstOf, staticCredentials, type Credential, type CredentialProvider } from '../core/auth/credentials.js';
import { ContentCache, defaultCacheDir } from '../core/cache/content-cache.js';
import { StevedoreError } from '../core/errors.js';
import { RegistryClient } from '../core/registry/client.js';
import { SchemeMemory } from '../core/registry/scheme-memory.js';
import { loadTlsSettings } from '../core/tls-files.js';

/** Concurrent requests when sizing tags and images. */
export const SIZE_JOBS = 16;

export interface GlobalOptions {
  readonly creds?: string;
  readonly username?: string;
  readonly password?: string;
  readonly insecure: boolean;
  readonly plainHttp: boolean;
  readonly caFile?: string;
  readonly certDir?: string;
  readonly cacheDir?: string;
  readonly noCache: boolean;
  readonly json: boolean;
  /** Concurrent requests; each command has its own default. */
  readonly jobs?: number;
}

export function credentialFromOptions(options: Pick<GlobalOptions, 'creds' | 'username' | 'password'>): Credential | undefined {
  if (options.creds !== undefined) {
    const colon = options.creds.indexOf(':');
    if (colon <= 0) throw new StevedoreError('CONFIG', '--creds takes USER:PASSWORD');
    return { kind: 'basic', username: options.creds.slice(0, colon), password: options.creds.slice(colon + 1) };
  }
  if (options.username !== undefined) {
    if (options.password === undefined) throw new StevedoreError('CONFIG', '--username needs --password-stdin');
    return { kind: 'basic', username: options.username, password: options.password };
  }
  // A password read from stdin with no user to go with it was dropped, and the registry asked anonymously.
  if (options.password !== undefined) throw new StevedoreError('CONFIG', '--password-stdin needs --username USER');
  return undefined;
}

export async function openClient(registry: string, options: GlobalOptions, scheme?: 'http' | 'https'): Promise<RegistryClient> {
  const explicit = credentialFromOptions(options);
  const credentials: CredentialProvider = explicit ? firstOf(staticCredentials({ [registry]: explicit }), dockerConfigCredentials()) : dockerConfigCredentials();
  const tls = await loadTlsSettings(registry, { ...(options.caFile ? { caFile: options.caFile } : {}), ...(options.certDir ? { certDir: options.certDir } : {}) });
  const forced = scheme ?? (options.plainHttp ? 'http' : undefined);
  return new RegistryClient({
    registry,
    credentials,
    tls,
    insecure: options.insecure || options.plainHttp,
    ...(forced ? { scheme: forced } : {}),
    ...(options.noCache ? {} : { cache: new ContentCache(options.cacheDir), schemes: new SchemeMemory(options.cacheDir ?? defaultCacheDir()) }),
    connections: Math.max(4, (options.jobs ?? SIZE_JOBS) * 2),
  });
}
