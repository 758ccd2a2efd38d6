// Engine clients pointed at a test registry, with fast retries so failure tests stay quick.
import type { Credential } from '../../electron/core/auth/credentials.js';
import { staticCredentials } from '../../electron/core/auth/credentials.js';
import type { ContentCache } from '../../electron/core/cache/content-cache.js';
import type { RetryPolicy } from '../../electron/core/http/retry.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import type { TestRegistry } from './registry.js';

export const FAST_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 5_000 };

export interface ClientOptions {
  /** null: anonymous; undefined: the registry's admin credential. */
  readonly credential?: Credential | null;
  readonly cache?: ContentCache;
  readonly trustCa?: boolean;
}

export function clientFor(reg: TestRegistry, options: ClientOptions = {}): RegistryClient {
  const credential = options.credential === null ? undefined : (options.credential ?? reg.adminCredential);
  return new RegistryClient({
    registry: reg.host,
    credentials: credential ? staticCredentials({ [reg.host]: credential }) : undefined,
    ...(reg.pki && options.trustCa !== false ? { tls: { ca: reg.pki.caCert } } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    retry: FAST_RETRY,
  });
}
