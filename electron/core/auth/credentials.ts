// What the engine needs to know about credentials: where they come from is the provider's business.
export type Credential =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** An OAuth2 refresh token (docker's identitytoken); exchanged at the token endpoint. */
  | { readonly kind: 'identity-token'; readonly username?: string; readonly token: string }
  /** A bearer token sent as is (docker's registrytoken). */
  | { readonly kind: 'registry-token'; readonly token: string };

export interface CredentialProvider {
  /** `registry` as references name it (`docker.io`, `localhost:5000`). Undefined means anonymous. */
  get(registry: string, signal?: AbortSignal): Promise<Credential | undefined>;
  /**
   * Changes whenever the credentials may have changed (the docker config file's mtime): a credential read under
   * another stamp is read again. Cheap: called before every authorized request.
   */
  stamp?(): string;
}

export function sameCredential(a: Credential | undefined, b: Credential | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export const anonymous: CredentialProvider = { get: () => Promise.resolve(undefined) };

export function staticCredentials(byRegistry: Readonly<Record<string, Credential>>): CredentialProvider {
  return { get: (registry) => Promise.resolve(byRegistry[registry]) };
}

/** Asks each provider in turn; the first that knows the registry wins. */
export function firstOf(...providers: readonly CredentialProvider[]): CredentialProvider {
  return {
    async get(registry, signal) {
      for (const provider of providers) {
        const found = await provider.get(registry, signal);
        if (found) return found;
      }
      return undefined;
    },
  };
}
