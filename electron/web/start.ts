// The web host as `stevedore serve` and `npm start` run it: the built renderer, the profiles in the data directory,
// the content cache, no secure store (a browser tab is not a keychain), and the upload limit from the option or
// STEVEDORE_MAX_UPLOAD. The composition root of the browser flavour of the app.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../core/cache/content-cache.js';
import { StevedoreError } from '../core/errors.js';
import { parseSize } from '../core/size.js';
import { defaultDataDir } from '../host/data-dir.js';
import { ProfileStore } from '../host/profile-store.js';
import { noSecretStore } from '../host/secret-store.js';
import { startWebHost, type WebHost } from './server.js';

export const RENDERER_DIR = fileURLToPath(new URL('../../renderer', import.meta.url));

export interface ServeOptions {
  readonly port?: number;
  /** `--max-upload`, else STEVEDORE_MAX_UPLOAD, as a size like 20G or 512M. */
  readonly maxUpload?: string;
  /** Told the page's address as soon as it can be served (see WebHostOptions.onListening). */
  readonly onListening?: (url: string) => void;
}

export function maxUploadBytes(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = option ?? env.STEVEDORE_MAX_UPLOAD;
  if (value === undefined || value === '') return undefined;
  const bytes = parseSize(value);
  if (bytes < 1) throw new StevedoreError('CONFIG', `the upload limit "${value}" must be at least one byte`);
  return bytes;
}

export async function startServing(options: ServeOptions = {}, dataDir: string = defaultDataDir()): Promise<WebHost> {
  const maxUpload = maxUploadBytes(options.maxUpload);
  return startWebHost({
    staticDir: RENDERER_DIR,
    profiles: new ProfileStore(join(dataDir, 'registries.json')),
    secrets: noSecretStore,
    cacheDir: defaultCacheDir(),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(maxUpload !== undefined ? { maxUploadBytes: maxUpload } : {}),
    ...(options.onListening ? { onListening: options.onListening } : {}),
  });
}
