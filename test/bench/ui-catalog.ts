// Times a big catalog in the real renderer (headless Chromium via the web host): first rows and the full list, from
// cold (no cached copy) and from the copy the cold run kept, each timed inside the page from the click.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost } from '../../electron/web/server.js';
import { launchBrowser, screenshot } from '../harness/browser.js';

export interface CatalogUiTimes {
  readonly firstRowsMs: number;
  /** Until every fresh page is in and nothing is marked as cached or loading. */
  readonly fullListMs: number;
}

// Runs inside the page, so it is script text: the Node program has no DOM types.
const TIME_CATALOG = (name: string, total: string): string => `(async () => {
  const button = [...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === ${JSON.stringify(name)});
  const start = performance.now();
  let first = -1;
  const done = new Promise((resolve) => {
    const check = () => {
      if (first < 0 && document.querySelector('.repo-row')) first = performance.now() - start;
      const count = document.querySelector('.count');
      const text = count?.textContent ?? '';
      if (text.startsWith('${total} of ${total}') && !text.includes('loading') && !text.includes('refreshing') && !count.querySelector('[data-testid=catalog-age]')) resolve(performance.now() - start);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  button.click();
  const full = await done;
  return [first, full];
})()`;

export async function timeCatalogInUi(registryHost: string, total: number, log: (line: string) => void): Promise<{ cold: CatalogUiTimes; cached: CatalogUiTimes }> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-uibench-'));
  try {
    await mkdir(join(work, 'data'), { recursive: true });
    await writeFile(join(work, 'data', 'registries.json'), JSON.stringify({ version: 1, profiles: [{ id: 'bench', name: 'Bench', url: registryHost, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] }] }));
    const browser = await launchBrowser();
    try {
      // Each run starts the web host afresh, as a new start of the app would: the cached copy is read from disk.
      const run = async (what: string): Promise<CatalogUiTimes> => {
        const web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache') });
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        try {
          await page.goto(web.url);
          await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Bench', exact: true }).waitFor();
          const [firstRowsMs, fullListMs] = await page.evaluate<[number, number]>(TIME_CATALOG('Bench', total.toLocaleString('en-US')));
          await screenshot(page, `bench-catalog-${what}`);
          log(`UI ${what}: first rows ${firstRowsMs.toFixed(0)} ms, full list ${(fullListMs / 1000).toFixed(2)} s`);
          return { firstRowsMs, fullListMs };
        } finally {
          await page.close();
          await web.close();
        }
      };
      const cold = await run('cold');
      const cached = await run('from-cache');
      return { cold, cached };
    } finally {
      await browser.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
