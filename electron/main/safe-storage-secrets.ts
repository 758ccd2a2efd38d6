// Secrets the desktop app stores, encrypted with safeStorage (the OS keychain) and kept in one file in userData.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { safeStorage } from 'electron';
import { noSecretStoreBecause, type SecretStore } from '../host/secret-store.js';
import { keychainUnavailableReason } from './keychain.js';

export function safeStorageSecrets(path: string): SecretStore {
  const unavailable = keychainUnavailableReason(safeStorage, process.platform);
  if (unavailable !== undefined) return noSecretStoreBecause(unavailable);
  let sealed: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed !== null && typeof parsed === 'object') sealed = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    sealed = {};
  }
  const persist = (): void => {
    writeFileSync(`${path}.tmp`, JSON.stringify(sealed), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  };
  return {
    available: true,
    has: (id) => Object.hasOwn(sealed, id),
    get: (id) => (Object.hasOwn(sealed, id) ? safeStorage.decryptString(Buffer.from(sealed[id] as string, 'base64')) : undefined),
    set: (id, secret) => {
      sealed = { ...sealed, [id]: safeStorage.encryptString(secret).toString('base64') };
      persist();
    },
    delete: (id) => {
      if (!Object.hasOwn(sealed, id)) return;
      const { [id]: _gone, ...rest } = sealed;
      sealed = rest;
      persist();
    },
  };
}
