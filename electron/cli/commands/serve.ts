// `stevedore serve`: the UI and the whole contract for a browser, on 127.0.0.1, until interrupted.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../../core/cache/content-cache.js';
import { defaultDataDir } from '../../host/contract-host.js';
import { ProfileStore } from '../../host/profile-store.js';
import { noSecretStore } from '../../host/secret-store.js';
import { startWebHost, type WebHost } from '../../web/server.js';
import type { Output } from '../output.js';

export const RENDERER_DIR = fileURLToPath(new URL('../../../renderer', import.meta.url));

export async function startServing(port: number | undefined, dataDir: string = defaultDataDir()): Promise<WebHost> {
  return startWebHost({
    staticDir: RENDERER_DIR,
    profiles: new ProfileStore(join(dataDir, 'registries.json')),
    secrets: noSecretStore,
    cacheDir: defaultCacheDir(),
    ...(port !== undefined ? { port } : {}),
  });
}

export async function serveCommand(port: number | undefined, out: Output, signal: AbortSignal, logTo?: string): Promise<void> {
  const web = await startServing(port);
  out.line(`Stevedore is serving on ${web.url}`);
  if (logTo !== undefined && logTo !== 'stderr') out.line(`Log: ${logTo}`);
  out.line('Open that address in a browser on this machine; press Ctrl+C to stop.');
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await web.close();
}
