// Where secrets the app itself stores live. In Electron: encrypted with safeStorage (the OS keychain). Outside it
// (CLI, web host) there is no secure store, and saying so beats writing passwords in plain text.
import { StevedoreError } from '../core/errors.js';

export interface SecretStore {
  readonly available: boolean;
  has(id: string): boolean;
  get(id: string): string | undefined;
  set(id: string, secret: string): void;
  delete(id: string): void;
}

export const NO_STORE = 'no secure store is available outside the desktop app: use docker login or a credential helper, and choose "docker config" as the credential source';

export function requireSecretStore(secrets: SecretStore): void {
  if (!secrets.available) throw new StevedoreError('UNSUPPORTED', NO_STORE);
}

export const noSecretStore: SecretStore = {
  available: false,
  has: () => false,
  get: () => undefined,
  set: () => {
    throw new StevedoreError('UNSUPPORTED', NO_STORE);
  },
  delete: () => undefined,
};
