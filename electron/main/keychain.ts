// Whether safeStorage is backed by a real OS keychain. On Linux without a secret service, Chromium falls back to
// `basic_text`: a hard-coded key, no better than plain text, so the app must not claim the keychain then.
export type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): StorageBackend;
}

/** Undefined when the keychain can be used, else the reason to show the user. */
export function keychainUnavailableReason(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | undefined {
  if (!safeStorage.isEncryptionAvailable()) return 'the OS keychain is not available';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') return `no OS keychain was found (Electron's safeStorage backend is ${backend}: a secret service such as GNOME Keyring or KWallet is needed)`;
  }
  return undefined;
}
