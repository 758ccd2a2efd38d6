// Where secrets the app itself stores live. In Electron: encrypted with safeStorage (the OS keychain). Outside it
// (CLI, web host), or where the OS offers no keychain, there is no secure store, and saying so beats writing
// passwords in plain text.
import { StevedoreError } from '../core/errors.js';

export interface SecretStore {
  readonly available: boolean;
  /** Why there is no store, in words for the user; set when `available` is false. */
  readonly unavailableReason?: string;
  has(id: string): boolean;
  get(id: string): string | undefined;
  set(id: string, secret: string): void;
  delete(id: string): void;
}

const USE_DOCKER_CONFIG = 'use docker login or a credential helper, and choose "From docker login / credential helper" for the credentials';
export const NO_STORE_OUTSIDE_DESKTOP = 'no secure store is available outside the desktop app';

/** Why this store keeps no passwords, and what to use instead (shown beside the option it disables). */
export function noStoreMessage(secrets: SecretStore): string {
  return `${secrets.unavailableReason ?? NO_STORE_OUTSIDE_DESKTOP}: ${USE_DOCKER_CONFIG}`;
}

export function requireSecretStore(secrets: SecretStore): void {
  if (!secrets.available) throw new StevedoreError('UNSUPPORTED', noStoreMessage(secrets));
}

/** A store that holds nothing, and says why whenever asked to. */
export function noSecretStoreBecause(reason: string): SecretStore {
  return {
    available: false,
    unavailableReason: reason,
    has: () => false,
    get: () => undefined,
    set: () => {
      throw new StevedoreError('UNSUPPORTED', `${reason}: ${USE_DOCKER_CONFIG}`);
    },
    delete: () => undefined,
  };
}

export const noSecretStore: SecretStore = noSecretStoreBecause(NO_STORE_OUTSIDE_DESKTOP);
