// A click lands on the repository the user aimed at while catalog pages are still arriving: a later page that adds
// rows above the one under the pointer (a name without namespace joins the group at the top) leaves that row where it
// was, and a click there opens it, not the row that would otherwise have slid into its place. Real UI (headless
// Chromium, web host), a real registry behind a proxy that holds the second catalog page.
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
import { startGateProxy, type GateProxy } from '../harness/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, seedImage } from '../harness/seed.js';

/** One full catalog page (1,000 names) of `team/...`; `web/app` and `zzz` come on the second. */
const TEAM = 1_000;
const name = (i: number): string => `team/svc-${String(i).padStart(4, '0')}`;

describe('a click in a catalog that is still arriving', () => {
  let reg: TestRegistry;
  let gate: GateProxy;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;

  before(async () => {
    reg = await startRegistry('none');
    gate = await startGateProxy(Number(reg.host.split(':')[1]));
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-click-'));
    const base = await seedImage(reg, 'web/app', '1');
    const names = [...Array.from({ length: TEAM }, (_, i) => name(i)), 'zzz'];
    assert.ok((await mapLimit(names, 8, (repository) => mountBlob(reg, repository, 'web/app', base.config.digest))).every(Boolean));
    const profile = { id: 'gated', name: 'Gated', url: gate.host, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] };
    web = await startTestWebHost(work, [profile]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    gate?.open();
    await gate?.stop();
    if (reg) {
      await closeSeeders(reg);
      await reg.stop();
    }
    await rm(work, { recursive: true, force: true });
  });

  it('keeps the row under the pointer in place when rows arrive above it, and the click opens it', async () => {
    await page.goto(web.url);
    // The second page waits at the gate until the pointer rests on a row of the first.
    gate.close((req) => (req.url ?? '').startsWith('/v2/_catalog') && (req.url ?? '').includes('last='));
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Gated', exact: true }).click();
    const aimed = page.getByRole('button', { name: name(5), exact: true });
    await aimed.waitFor();
    const box = await aimed.boundingBox();
    assert.ok(box);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.move(x, y + 1);
    gate.open();
    const all = (TEAM + 2).toLocaleString('en-US');
    await page.getByText(`${all} of ${all} repositories`).waitFor();
    // `zzz` and its group row now sort above `team`: two rows more above the one aimed at.
    await page.getByRole('button', { name: '(no namespace) · 1 repository' }).waitFor({ state: 'attached' });
    // Runs in the page: the row under the pointer now.
    const under = await page.evaluate<string>(`document.elementFromPoint(${x}, ${y + 1})?.closest('.vrow')?.textContent ?? ''`);
    assert.equal(under, name(5));
    await page.mouse.click(x, y + 1);
    await page.getByRole('heading', { name: name(5) }).waitFor();
  });
});
