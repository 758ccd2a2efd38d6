// Secrets kept in one file in userData, each sealed by a cipher (Electron's safeStorage: the OS keychain). Pure apart
// from the file, so it is unit-tested with a stand-in cipher. A secret that no longer opens (the keychain was reset,
// the profile was copied from another machine, the file was edited) asks for the password again, like a missing one.
import { renameSync, writeFileSync } from 'node:fs';
import { StevedoreError } from '../core/errors.js';
import { readRegularBytesSync } from '../core/regular-file.js';
import type { SecretStore } from '../host/secret-store.js';

export interface SecretCipher {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export function sealedSecrets(path: string, cipher: SecretCipher): SecretStore {
  let sealed: Record<string, string> = {};
  // Why the file there could not be read, if it could not: then none of its secrets is known, and a save would
  // replace every one of them with the one saved (a file unreadable for a moment, or edited by hand, loses them all).
  let unreadable: string | undefined;
  try {
    const parsed: unknown = JSON.parse(readRegularBytesSync(path, 'secrets file', { maxBytes: 16 * 1024 * 1024 }).toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) sealed = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    else unreadable = 'it does not hold a JSON object';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable = (error as Error).message;
  }
  const persist = (next: Record<string, string>): void => {
    if (unreadable !== undefined) throw new StevedoreError('CONFIG', `cannot save the password: ${path} could not be read (${unreadable}) and saving would replace every password in it; fix or remove it`);
    writeFileSync(`${path}.tmp`, JSON.stringify(next), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    sealed = next;
  };
  return {
    available: true,
    has: (id) => Object.hasOwn(sealed, id),
    get: (id) => {
      if (!Object.hasOwn(sealed, id)) return undefined;
      try {
        return cipher.decryptString(Buffer.from(sealed[id] as string, 'base64'));
      } catch {
        throw new StevedoreError('AUTH_REQUIRED', 'the password stored for this registry can no longer be decrypted with the OS keychain: edit the registry and enter it again');
      }
    },
    set: (id, secret) => {
      persist({ ...sealed, [id]: cipher.encryptString(secret).toString('base64') });
    },
    delete: (id) => {
      if (!Object.hasOwn(sealed, id)) return;
      const { [id]: _gone, ...rest } = sealed;
      persist(rest);
    },
  };
}
