// Ctrl/Cmd+K finds any repository of a registry whose catalog is not cached, not only those of its first page: the
// real UI (headless Chromium, web host) against a real registry of more repositories than one catalog page holds.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mapLimit } from '../../electron/core/concurrency.js';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser } from '../harness/browser.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, seedImage } from '../harness/seed.js';

/** More than one catalog page (1,000 names, the contract's largest) holds. */
const REPOSITORIES = 1_300;
const name = (i: number): string => `svc/n-${String(i).padStart(4, '0')}`;

describe('the command palette in a browser', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-palette-'));
    const base = await seedImage(reg, 'web/app', '1');
    const mounted = await mapLimit(Array.from({ length: REPOSITORIES }, (_, i) => name(i)), 8, (repository) => mountBlob(reg, repository, 'web/app', base.config.digest));
    assert.ok(mounted.every(Boolean));
    const profile = { id: 'big', name: 'Big', url: reg.host, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] };
    web = await startTestWebHost(work, [profile]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    if (reg) {
      await closeSeeders(reg);
      await reg.stop();
    }
    await rm(work, { recursive: true, force: true });
  });

  it('finds a repository past the first catalog page of a registry never browsed', async () => {
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Big', exact: true }).waitFor();
    await page.keyboard.press('Control+k');
    const last = name(REPOSITORIES - 1);
    await page.getByLabel('Go to').fill(last.slice(4));
    await page.getByRole('option', { name: `repository ${last} in Big` }).waitFor();
    // The whole catalog came: the palette does not say the search is partial.
    await page.getByTestId('palette-walk').waitFor({ state: 'detached' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: last }).waitFor();
  });
});
