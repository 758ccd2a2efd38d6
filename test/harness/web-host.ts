// The web host as the end-to-end tests start it: the built renderer, the given saved registries (in
// `<work>/data/registries.json`), no stored secrets, and its cache in `<work>/cache`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost, type WebHostOptions } from '../../electron/web/server.js';
import { RENDERER_DIR } from '../../electron/web/start.js';

/** A saved registry as the profile file holds it (without a secret). */
export interface SavedRegistry {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly credentialSource: string;
  readonly insecure: boolean;
  readonly concurrency: number;
  readonly bookmarks: readonly unknown[];
}

export async function startTestWebHost(work: string, registries: readonly SavedRegistry[], options: Partial<WebHostOptions> = {}): Promise<WebHost> {
  await mkdir(join(work, 'data'), { recursive: true });
  const file = join(work, 'data', 'registries.json');
  await writeFile(file, JSON.stringify({ version: 1, profiles: registries }));
  return startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(file), secrets: noSecretStore, cacheDir: join(work, 'cache'), ...options });
}
