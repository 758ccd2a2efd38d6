// Browsing that tells the truth, in a real browser against a real registry: sorts over every tag of a repository
// with a few hundred tags match the order computed here from the registry's own data; the tag filter; switching
// repositories while summaries load never leaves rows loading. Screenshots at 900x600.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { compareTagNames } from '../../shared/tag-order.js';
import { mapLimit } from '../../electron/core/concurrency.js';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage } from '../harness/seed.js';

const TAGS = 300;
const OTHER_TAGS = 150;
const ROW_HEIGHT = 34;
/** Runs in the page: the rows rendered now with their index, then one screen further down. */
const READ_AND_SCROLL = `(() => {
  const list = document.querySelector('[role=listbox][aria-label=Tags]');
  const found = [];
  for (const row of list.querySelectorAll('[data-tag]')) {
    const option = row.closest('[role=option]');
    if (option) found.push([Math.round(parseFloat(option.style.top) / ${ROW_HEIGHT}), row.dataset.tag]);
  }
  const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
  list.scrollTop += list.clientHeight;
  return { found, atEnd };
})()`;

describe('browsing a repository of hundreds of tags', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  const truth = new Map<string, { size: number; created: number }>();

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-browse-'));
    const base = randomLayer(2000);
    const names = Array.from({ length: TAGS }, (_, i) => `${1 + (i % 3)}.${Math.floor(i / 3)}.${i % 5}`);
    // Sizes and dates unrelated to the names, so a sort over only the first rows loaded would differ.
    await mapLimit(names, 8, async (tag, i) => {
      const created = new Date(Date.UTC(2025, 0, 1) + ((i * 7919) % TAGS) * 86_400_000 + i * 1000).toISOString();
      const layers = [base, randomLayer(500 + ((i * 104_729) % TAGS) * 37)];
      const image = await seedImage(reg, 'big/app', tag, { layers, created });
      truth.set(tag, { size: image.config.size + layers.reduce((sum, l) => sum + l.size, 0), created: Date.parse(created) });
    });
    await mapLimit(
      Array.from({ length: OTHER_TAGS }, (_, i) => `v${i}`),
      8,
      (tag) => seedImage(reg, 'big/other', tag, { layers: [base], skipUpload: false }),
    );
    web = await startTestWebHost(work, []);
    await web.host.handle('registries:save', { profile: { name: 'Local', url: reg.host, credentialSource: 'none' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 600 } });
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

  /** Every row of the virtualized tag list, in order, read by scrolling through it. */
  async function allRows(): Promise<string[]> {
    const rows = new Map<number, string>();
    for (let scroll = 0; scroll < 100; scroll++) {
      const seen = await page.evaluate<{ found: [number, string][]; atEnd: boolean }>(READ_AND_SCROLL);
      for (const [index, tag] of seen.found) rows.set(index, tag);
      if (seen.atEnd) break;
      await page.waitForTimeout(30);
    }
    await page.evaluate(`document.querySelector('[role=listbox][aria-label=Tags]').scrollTop = 0`);
    await page.waitForTimeout(100);
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, tag]) => tag);
  }

  async function openRepository(name: string): Promise<void> {
    await page.getByLabel('Filter repositories').fill(name);
    await page.getByRole('button', { name, exact: true }).click();
  }

  async function waitAllLoaded(total: number): Promise<void> {
    await page.getByText(`${total} tags`, { exact: true }).waitFor();
  }

  it('sorts by size and by date over every tag, in the order the registry data gives', async () => {
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    await openRepository('big/app');
    await page.getByRole('searchbox', { name: 'Filter tags' }).waitFor();
    await screenshot(page, 'browse-01-repository-loading-900x600');
    await page.getByRole('button', { name: 'Sort by Size' }).click();
    await waitAllLoaded(TAGS);
    assert.equal(await page.getByText('(partial)').count(), 0);
    const bySize = [...truth.keys()].sort((a, b) => (truth.get(b)?.size ?? 0) - (truth.get(a)?.size ?? 0) || compareTagNames(a, b));
    assert.deepEqual(await allRows(), bySize);
    await screenshot(page, 'browse-02-sorted-by-size-900x600');
    await page.getByRole('button', { name: 'Sort by Created' }).click();
    const newest = [...truth.keys()].sort((a, b) => (truth.get(b)?.created ?? 0) - (truth.get(a)?.created ?? 0) || compareTagNames(a, b));
    assert.deepEqual(await allRows(), newest);
    await page.getByRole('button', { name: 'Sort by Created' }).click();
    assert.deepEqual(await allRows(), [...truth.keys()].sort((a, b) => (truth.get(a)?.created ?? 0) - (truth.get(b)?.created ?? 0) || compareTagNames(a, b)));
    await page.getByRole('button', { name: 'Sort by Tag' }).click();
    assert.deepEqual(await allRows(), [...truth.keys()].sort(compareTagNames));
  });

  it('filters tags with text or a glob, says when nothing matches, and Esc clears', async () => {
    const box = page.getByRole('searchbox', { name: 'Filter tags' });
    await box.fill('3.1*.4');
    const expected = [...truth.keys()].filter((t) => /^3\.1.*\.4$/.test(t)).sort(compareTagNames);
    assert.deepEqual(await allRows(), expected);
    await page.getByText(`${expected.length} of ${TAGS} match`, { exact: false }).waitFor();
    await screenshot(page, 'browse-03-filtered-900x600');
    await box.fill('no-such-tag');
    await page.getByText('No tags match “no-such-tag”.').waitFor();
    await box.press('Escape');
    assert.equal(await box.inputValue(), '');
    assert.equal((await allRows()).length, TAGS);
  });

  it('switching repositories quickly never leaves rows loading', async () => {
    for (let round = 0; round < 3; round++) {
      await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
      await openRepository('big/other');
      await page.getByRole('searchbox', { name: 'Filter tags' }).waitFor();
      await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
      await openRepository('big/app');
      await page.getByRole('searchbox', { name: 'Filter tags' }).waitFor();
    }
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    await openRepository('big/other');
    await waitAllLoaded(OTHER_TAGS);
    const rows = await allRows();
    assert.equal(rows.length, OTHER_TAGS);
    assert.equal(await page.getByText('loading…').count(), 0);
    assert.equal(web.host.pendingRequests, 0);
    await screenshot(page, 'browse-04-switched-900x600');
  });

  it('the size-over-time chart opens a tag on click, and a comparison of two on Shift+click', async () => {
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    await openRepository('big/app');
    await waitAllLoaded(TAGS);
    const chart = page.getByRole('img', { name: /Compressed size of \d+ tags/ });
    await chart.waitFor();
    const box = await chart.boundingBox();
    assert.ok(box);
    // The chart has points across its width: find one by hovering along the middle band.
    let found: { x: number; y: number; tag: string } | undefined;
    for (let x = 60; x < box.width - 12 && !found; x += 6) {
      for (let y = 12; y < box.height - 22 && !found; y += 6) {
        await page.mouse.move(box.x + x, box.y + y);
        const tip = page.getByTestId('chart-tip');
        if ((await tip.count()) > 0) found = { x, y, tag: ((await tip.textContent()) ?? '').split(' · ')[0] ?? '' };
      }
    }
    assert.ok(found && truth.has(found.tag), 'a point under the pointer names a tag of the repository');
    await screenshot(page, 'browse-05-chart-hover-900x600');
    await page.mouse.click(box.x + found.x, box.y + found.y);
    await page.getByRole('heading', { name: `big/app:${found.tag}` }).waitFor();
    await page.keyboard.press('Escape');
    await chart.waitFor();
    const first = found;
    let second: { x: number; y: number } | undefined;
    for (let x = box.width - 14; x > 60 && !second; x -= 6) {
      for (let y = 12; y < box.height - 22 && !second; y += 6) {
        await page.mouse.move(box.x + x, box.y + y);
        const tip = page.getByTestId('chart-tip');
        if ((await tip.count()) > 0 && !((await tip.textContent()) ?? '').startsWith(`${first.tag} `)) second = { x, y };
      }
    }
    assert.ok(second);
    await page.keyboard.down('Shift');
    await page.mouse.click(box.x + first.x, box.y + first.y);
    await page.mouse.click(box.x + second.x, box.y + second.y);
    await page.keyboard.up('Shift');
    await page.getByTestId('shared-0').waitFor();
    await screenshot(page, 'browse-06-chart-compare-900x600');
  });

  it('keyboard: Tab moves between regions, Enter opens, focus lands in the tag list', async () => {
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    const filter = page.getByLabel('Filter repositories');
    await filter.waitFor();
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Filter repositories');
    await filter.fill('');
    await page.keyboard.type('big/other');
    await page.getByRole('button', { name: 'big/other', exact: true }).waitFor();
    // One Tab leaves the filter for the list (past the refresh button), not for its first row's button.
    await page.keyboard.press('Tab');
    if ((await page.evaluate('document.activeElement?.getAttribute("role")')) !== 'listbox') await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Repositories');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('listbox', { name: 'Tags' }).waitFor();
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Tags');
    const active = await page.evaluate<string>('document.getElementById(document.activeElement.getAttribute("aria-activedescendant"))?.getAttribute("aria-posinset") ?? ""');
    assert.equal(active, '1');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^big\/other:/ }).waitFor();
    await screenshot(page, 'browse-07-image-900x600');
    await page.getByRole('button', { name: 'Raw JSON' }).click();
    await page.getByLabel('Raw config').waitFor();
    const height = await page.evaluate<number>(`document.querySelector('[aria-label="Raw manifest"]').getBoundingClientRect().height`);
    assert.ok(Number(height) > 200, `the raw view uses the height there is (${String(height)} px)`);
    await screenshot(page, 'browse-08-raw-900x600');
  });
});
