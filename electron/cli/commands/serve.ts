// `stevedore serve`: the UI and the whole contract for a browser, on 127.0.0.1, until interrupted (Ctrl+C, SIGTERM
// or SIGHUP), after which its uploads are gone from the disk.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../../core/cache/content-cache.js';
import { StevedoreError } from '../../core/errors.js';
import { defaultDataDir } from '../../host/contract-host.js';
import { ProfileStore } from '../../host/profile-store.js';
import { noSecretStore } from '../../host/secret-store.js';
import { startWebHost, type WebHost } from '../../web/server.js';
import type { Output } from '../output.js';
import { parseSize } from './push.js';

export const RENDERER_DIR = fileURLToPath(new URL('../../../renderer', import.meta.url));

export interface ServeOptions {
  readonly port?: number;
  /** `--max-upload`, else STEVEDORE_MAX_UPLOAD, as a size like 20G or 512M. */
  readonly maxUpload?: string;
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
  });
}

/** Resolves on the first of these signals (SIGINT comes through `signal`, owned by the CLI's main). */
const STOP_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

export async function serveCommand(options: ServeOptions, out: Output, signal: AbortSignal, logTo?: string): Promise<void> {
  const web = await startServing(options);
  out.line(`Stevedore is serving on ${web.url}`);
  if (logTo !== undefined && logTo !== 'stderr') out.line(`Log: ${logTo}`);
  out.line('Open that address in a browser on this machine; press Ctrl+C to stop.');
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signal.addEventListener('abort', stop, { once: true });
  for (const name of STOP_SIGNALS) process.once(name, stop);
  if (signal.aborted) stop();
  await stopped;
  for (const name of STOP_SIGNALS) process.removeListener(name, stop);
  await web.close();
}
