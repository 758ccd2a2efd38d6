// Lists at scale in the real UI (headless Chromium, web host): a catalog seen before shows at once from the cache,
// marked with its age, while the registry is still asked (a proxy holds the registry's answer), then updates in place
// keeping the user's filter and the row at the top of the view; namespace groups collapse and expand; a repository
// of 150,000 tags (all in one page, as distribution 2.8 sends them) lists.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mapLimit } from '../../electron/core/concurrency.js';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { waitFor } from '../harness/web-client.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { startGateProxy, type GateProxy } from '../harness/fault-proxy.js';
import { startManyTagsServer, type ManyTagsServer } from '../harness/many-tags-server.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, seedImage } from '../harness/seed.js';

const REPOSITORIES = 800;
const MANY_TAGS = 150_000;
const name = (i: number): string => `team-${String(i % 20).padStart(2, '0')}/service-${String(i).padStart(4, '0')}`;

// Runs in the page: the text of the first row whose top half is inside the list's viewport.
const TOP_ROW = `(() => {
  const list = document.querySelector('.virtual');
  const top = list.getBoundingClientRect().top;
  const rows = [...list.querySelectorAll('.vrow')].filter((r) => r.getBoundingClientRect().top + 16 >= top);
  rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
  return rows[0]?.textContent ?? '';
})()`;

describe('lists at scale in the UI', () => {
  let reg: TestRegistry;
  let gate: GateProxy;
  let many: ManyTagsServer;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  let layer = '';

  before(async () => {
    reg = await startRegistry('none');
    [gate, many] = await Promise.all([startGateProxy(Number(reg.host.split(':')[1])), startManyTagsServer(MANY_TAGS)]);
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-scale-'));
    const base = await seedImage(reg, 'web/app', '1');
    layer = base.config.digest;
    await mapLimit(
      Array.from({ length: REPOSITORIES }, (_, i) => name(i)),
      8,
      (repository) => mountBlob(reg, repository, 'web/app', layer),
    );
    const profile = (id: string, title: string, url: string) => ({ id, name: title, url, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });
    web = await startTestWebHost(work, [profile('gated', 'Gated', gate.host), profile('many', 'Many', many.host)]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    gate?.open();
    await gate?.stop();
    await many?.close();
    if (reg) {
      await closeSeeders(reg);
      await reg.stop();
    }
    await rm(work, { recursive: true, force: true });
  });

  const registryButton = (title: string) => page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: title, exact: true });
  const count = () => page.locator('.count');

  it('shows a catalog seen before at once with its age, then updates it in place keeping filter and scroll', async () => {
    await page.goto(web.url);
    await registryButton('Gated').click();
    const first = (REPOSITORIES + 1).toLocaleString('en-US');
    await page.getByText(`${first} of ${first} repositories`).waitFor();
    assert.equal(await page.getByTestId('catalog-age').count(), 0, 'a catalog listed fresh is not marked as cached');

    // The registry changes: two repositories sort above the row the user will be looking at, one at the end.
    for (const added of ['team-00/aaa-new', 'team-01/aaa-new', 'zzz/last']) assert.ok(await mountBlob(reg, added, 'web/app', layer));
    // A new session of the app; the registry's catalog answers wait at the gate.
    await page.goto(web.url);
    gate.close((req) => (req.url ?? '').startsWith('/v2/_catalog'));
    await registryButton('Gated').click();
    await page.getByRole('button', { name: 'team-00/service-0000', exact: true }).waitFor();
    await page.getByTestId('catalog-age').waitFor();
    assert.match(await page.getByTestId('catalog-age').textContent() ?? '', /^cached \d+ seconds? ago$/);
    await page.getByText(new RegExp(`^${first} of ${first} repositories · cached .* · refreshing…`)).waitFor();
    assert.ok(gate.held >= 1, 'the rows came from the cache: the registry has not answered yet');

    await page.getByLabel('Filter repositories').fill('team-');
    await page.getByText(`${REPOSITORIES.toLocaleString('en-US')} of ${first} repositories`).waitFor();
    await page.locator('.virtual').evaluate((list) => {
      list.scrollTop = 6_000;
    });
    // Polled through page.evaluate: waitForFunction evaluates a string with eval() in the page, which its CSP refuses
    // whenever the first look does not already hold.
    await waitFor(async () => (await page.evaluate<boolean>(`document.querySelector('.virtual').scrollTop === 6000 && ${TOP_ROW}.length > 0`)) || undefined, 10_000, 'the list scrolled to 6000 px with rows drawn');
    const topBefore = await page.evaluate<string>(TOP_ROW);
    assert.match(topBefore, /^team-0[4-6]\/service-\d{4}$/, topBefore);
    await screenshot(page, 'scale-01-catalog-from-cache');

    gate.open();
    const fresh = (REPOSITORIES + 4).toLocaleString('en-US');
    await page.getByText(new RegExp(`^${(REPOSITORIES + 2).toLocaleString('en-US')} of ${fresh} repositories$`)).waitFor();
    assert.equal(await page.getByTestId('catalog-age').count(), 0, 'the fresh catalog is no longer marked as cached');
    assert.equal(await page.getByLabel('Filter repositories').inputValue(), 'team-', 'the filter stays');
    assert.equal(await page.evaluate<string>(TOP_ROW), topBefore, 'the row at the top stays at the top');
    assert.equal(await page.locator('.virtual').evaluate((list) => list.scrollTop), 6_000 + 2 * 32, 'two rows came in above it');
    await screenshot(page, 'scale-02-catalog-refreshed');
    await page.locator('.virtual').evaluate((list) => {
      list.scrollTop = 0;
    });
    await page.getByRole('button', { name: 'team-00/aaa-new', exact: true }).waitFor();
  });

  it('collapses and expands a namespace group', async () => {
    await page.getByLabel('Filter repositories').fill('');
    const group = page.getByRole('button', { name: /^team-00 · \d+ repositories$/ });
    assert.equal(await group.getAttribute('aria-expanded'), 'true');
    await group.click();
    await page.getByRole('button', { name: 'team-00/service-0000', exact: true }).waitFor({ state: 'detached' });
    assert.equal(await group.getAttribute('aria-expanded'), 'false');
    await page.getByRole('button', { name: /^team-01 · \d+ repositories$/ }).waitFor();
    assert.match(await count().textContent() ?? '', /^804 of 804 repositories$/, 'collapsing hides rows, not repositories');
    await screenshot(page, 'scale-03-group-collapsed');
    await group.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'team-00/service-0000', exact: true }).waitFor();
    assert.equal(await group.getAttribute('aria-expanded'), 'true');
  });

  it('lists a repository of 150,000 tags sent in one page, asking for them once', async () => {
    await page.goto(web.url);
    await registryButton('Many').click();
    await page.getByRole('button', { name: many.repository, exact: true }).click();
    await page.getByText(`${MANY_TAGS.toLocaleString('en-US')} tags`).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: '0.0.0', exact: true }).waitFor();
    // The visible rows get their sizes.
    await page.locator('.tags-grid').filter({ hasText: 'sha256:' }).first().waitFor();
    assert.equal(many.hits.get(`/v2/${many.repository}/tags/list`), 1);
    await page.locator('.virtual').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    await page.getByRole('button', { name: many.tags.at(-1), exact: true }).waitFor();
    await screenshot(page, 'scale-04-150k-tags');
  });
});
