// Launch to content, as far as it can be measured without Electron: the bundled app's web host is started as a
// process and the renderer is loaded in a new tab of a running headless Chromium, timed from the spawn to the registry
// list on screen. The desktop window's own start (Electron, ready-to-show) cannot run on this machine. The host starts
// as a user starts it, `stevedore serve` (the launcher, bin/stevedore).
//
// The page says itself when the list is there: a script in the tab, set before the navigation, watches the DOM and
// answers at the first animation frame after a registry is listed. Playwright's own wait (a locator's waitFor) polls at
// 0, 20, 70, 170, 270 ms and then every 500 ms, so it saw a list that came 300 ms after the page's load event only at
// 770 ms: up to half a second of the old figure was the poll. The tab is opened in a browser context made once, as a
// user's browser opens a tab in the profile it has (a context per run also timed Chromium making a whole profile).
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

/**
 * Run in the tab before the page's own scripts: a promise that settles at the first animation frame after the
 * registries' navigation lists an entry (the frame that shows it).
 */
const WATCH_CONTENT = `window.__stevedoreContent = new Promise((resolve) => {
  const listed = () => document.querySelector('nav[aria-label="Registries"] li') !== null;
  const seen = () => requestAnimationFrame(() => resolve(true));
  const watch = new MutationObserver(() => {
    if (!listed()) return;
    watch.disconnect();
    seen();
  });
  watch.observe(document, { childList: true, subtree: true });
});`;

export async function timeLaunchToContent(runs: number): Promise<readonly LaunchTimes[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-launchbench-'));
  const env = { ...process.env, STEVEDORE_DATA_DIR: join(work, 'data'), STEVEDORE_CACHE_DIR: join(work, 'cache'), XDG_STATE_HOME: join(work, 'state') };
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(WATCH_CONTENT);
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
        const page = await context.newPage();
        try {
          await page.goto(url, { waitUntil: 'commit' });
          // Content is the list with real data (the first start offers Docker Hub), not the sidebar's empty frame.
          // The watch's promise settles with true; anything else is the tab's previous document (about:blank) answering.
          if ((await page.evaluate<unknown>('window.__stevedoreContent')) !== true) throw new Error('the content watch did not run in the page');
          const contentMs = performance.now() - start;
          // What the watch saw is what a user sees: the list by its role and name.
          await page.getByRole('navigation', { name: 'Registries' }).getByRole('listitem').first().waitFor({ timeout: 1000 });
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
