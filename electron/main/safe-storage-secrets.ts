// Secrets the desktop app stores, encrypted with safeStorage (the OS keychain) and kept in one file in userData.
import { safeStorage } from 'electron';
import { noSecretStoreBecause, type SecretStore } from '../host/secret-store.js';
import { keychainUnavailableReason } from './keychain.js';
import { sealedSecrets } from './sealed-secrets.js';

export function safeStorageSecrets(path: string): SecretStore {
  const unavailable = keychainUnavailableReason(safeStorage, process.platform);
  if (unavailable !== undefined) return noSecretStoreBecause(unavailable);
  return sealedSecrets(path, safeStorage);
}
