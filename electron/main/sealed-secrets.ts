// Secrets kept in one file in userData, each sealed by a cipher (Electron's safeStorage: the OS keychain). Pure apart
// from the file, so it is unit-tested with a stand-in cipher. A secret that no longer opens (the keychain was reset,
// the profile was copied from another machine, the file was edited) asks for the password again, like a missing one.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { StevedoreError } from '../core/errors.js';
import { readJsonFileSync } from '../core/json-file.js';
import type { SecretStore } from '../host/secret-store.js';

export interface SecretCipher {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/**
 * One object of sealed secrets, one per registry (at most 100 kept, each at most 10,000 characters sealed): bounded
 * far above that before it is parsed, so a hostile file costs a moment, not seconds.
 */
const SECRETS_BOUNDS = { maxBytes: 16 * 1024 * 1024, maxContainers: 100, maxCommas: 10_000, maxDepth: 8 } as const;

/** The string entries of the file's object (anything else in it is no secret of ours). */
function sealedEntries(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('it does not hold a JSON object');
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function sealedSecrets(path: string, cipher: SecretCipher): SecretStore {
  let sealed: Record<string, string> = {};
  // Why the file there could not be read, if it could not: then none of its secrets is known, and a save would
  // replace every one of them with the one saved (a file unreadable for a moment, or edited by hand, loses them all).
  let unreadable: string | undefined;
  try {
    sealed = readJsonFileSync(path, 'secrets file', { ...SECRETS_BOUNDS, check: sealedEntries });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable = (error as Error).message;
  }
  const persist = (next: Record<string, string>): void => {
    if (unreadable !== undefined) throw new StevedoreError('CONFIG', `cannot save the password: ${path} could not be read (${unreadable}) and saving would replace every password in it; fix or remove it`);
    // A temporary name nobody can plant a symlink at in advance, and never written through.
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify(next), { mode: 0o600, flag: 'wx' });
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
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
