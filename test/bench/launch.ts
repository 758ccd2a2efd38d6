// Launch to content, as far as it can be measured without Electron: the bundled app's web host is started as a
// process and the renderer is loaded in a running headless Chromium, timed from the spawn to the registry list on
// screen. The desktop window's own start (Electron, ready-to-show) cannot run on this machine. The host starts as a user
// starts it, `stevedore serve` (the launcher, bin/stevedore).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../harness/browser.js';
import { stevedore } from './bench-common.js';

export interface LaunchTimes {
  /** From spawning the process to the web host printing its address. */
  readonly hostReadyMs: number;
  /** From spawning the process to the registry list on screen, with the host's registries in it. */
  readonly contentMs: number;
  /** The page's own first contentful paint, from its navigation start. */
  readonly firstPaintMs: number;
}

export async function timeLaunchToContent(runs: number): Promise<readonly LaunchTimes[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-launchbench-'));
  const env = { ...process.env, STEVEDORE_DATA_DIR: join(work, 'data'), STEVEDORE_CACHE_DIR: join(work, 'cache'), XDG_STATE_HOME: join(work, 'state') };
  const browser = await launchBrowser();
  const times: LaunchTimes[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const host = spawn(...stevedore(['serve', '--port', '0']), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`the web host printed no address: ${out}`)), 20_000);
          host.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const found = /https?:\/\/\S+/.exec(out);
            if (found) {
              clearTimeout(timer);
              resolve(found[0]);
            }
          });
          host.once('exit', (code) => reject(new Error(`the web host exited (${code}): ${out}`)));
        });
        const hostReadyMs = performance.now() - start;
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        try {
          await page.goto(url);
          // Content is the list with real data (the first start offers Docker Hub), not the sidebar's empty frame.
          await page.getByRole('navigation', { name: 'Registries' }).getByRole('listitem').first().waitFor();
          const contentMs = performance.now() - start;
          const firstPaintMs = await page.evaluate<number>("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1");
          times.push({ hostReadyMs, contentMs, firstPaintMs });
        } finally {
          await page.close();
        }
      } finally {
        host.kill();
      }
    }
    return times;
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}
