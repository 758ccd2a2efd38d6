// Registry profiles as the renderer sees them: never a secret, only whether one is stored.
export type CredentialSource = 'none' | 'stored' | 'docker-config';

export interface RegistryProfile {
  readonly id: string;
  readonly name: string;
  /** `https://registry.example`, `http://localhost:5000`, or a bare host. */
  readonly url: string;
  readonly credentialSource: CredentialSource;
  readonly username?: string;
  readonly caFile?: string;
  readonly insecure: boolean;
  readonly concurrency: number;
  /** Repositories added by hand, for registries that deny the catalog. */
  readonly bookmarks: readonly string[];
}

export interface RegistryView extends RegistryProfile {
  readonly hasSecret: boolean;
}

export interface RegistryTestResult {
  readonly ok: boolean;
  readonly auth?: 'none' | 'basic' | 'bearer';
  readonly usedCredentials?: boolean;
  readonly rateLimit?: { readonly limit: number; readonly remaining: number };
  /** On failure: the error code (AUTH_FAILED, TLS, NETWORK, UNSUPPORTED for "not a registry", ...). */
  readonly code?: string;
  readonly message?: string;
}

/**
 * The host (and port) a profile's address names, which is what tells registries apart: `https://Registry.example/v2/`
 * and `registry.example` are one registry, and Docker Hub's API hosts are Docker Hub. One profile per host.
 */
export function registryHost(url: string): string {
  const host = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** The profile other than `exceptId` that already holds `url`'s registry. */
export function sameRegistry<T extends Pick<RegistryProfile, 'id' | 'url'>>(profiles: readonly T[], url: string, exceptId?: string): T | undefined {
  const host = registryHost(url);
  return host === '' ? undefined : profiles.find((p) => p.id !== exceptId && registryHost(p.url) === host);
}
