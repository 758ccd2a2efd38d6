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
