// Layer X-ray in the browser: an image built by umoci in a real registry; open its Files tab, filter, open a file,
// see the size map and the wasted space; the raw JSON view keeps its height across the Files tab and an opened file
// is in view at 900x600; compare two tags and see the file diff with the right top entry.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { waitFor } from '../harness/web-client.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { OS_RELEASE, README, SIZES, buildXrayLayout, extractLayers, pushLayoutVerbatim, walkTree, type XrayLayout } from '../harness/xray-images.js';

describe('layer X-ray in the browser', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  let built: XrayLayout;

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-xray-'));
    built = await buildXrayLayout(join(work, 'image'));
    await pushLayoutVerbatim(reg, built.layout, 'v1', 'xray/app', '1.0.0');
    await pushLayoutVerbatim(reg, built.layout, 'v2', 'xray/app', '1.2.1');
    web = await startTestWebHost(work, []);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('opens the Files tab: tree, filter, a text file, the size map and wasted space', async () => {
    await page.goto(web.url);
    await page.getByRole('button', { name: '+ Add registry' }).click();
    await page.getByLabel('Registry address').fill(reg.host);
    await page.getByLabel('Credential source').selectOption('none');
    await page.getByLabel('Registry name').fill('Local');
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    // One repository, counted in the singular.
    await page.getByText('1 of 1 repository', { exact: true }).waitFor();
    await screenshot(page, 'xray-00-catalog-one-repository');
    await page.getByRole('button', { name: 'xray/app', exact: true }).click();
    await page.getByRole('button', { name: '1.2.1', exact: true }).click();
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    const files = page.getByRole('region', { name: 'Files' });
    await files.getByText(/paths, .* in the merged filesystem of 5 layers/).waitFor();
    await page.getByRole('region', { name: 'Wasted space' }).getByText('/usr/lib/big.bin').waitFor();
    await page.getByRole('figure', { name: 'Size map' }).waitFor();
    // The wasted share is of every layer's file bytes, so it cannot pass 100 %, and says so.
    const share = (await page.getByTestId('wasted-share').textContent()) ?? '';
    const percent = /^(\d+\.\d) % of the file bytes in all layers$/.exec(share);
    assert.ok(percent && Number(percent[1]) <= 100, share);
    // The figures from what the test wrote: every copy of a path found in more than one layer, and those copies but
    // the one the image shows; the table's sums row repeats both under its Total and Reclaimable columns.
    const osRelease = [OS_RELEASE.length, `${OS_RELEASE}VARIANT=two\n`.length];
    const wasted = SIZES.big1 + SIZES.big2 + SIZES.oldLog + README.length + SIZES.cacheA + SIZES.cacheB + osRelease[0]! + osRelease[1]!;
    const reclaimable = SIZES.big1 + SIZES.oldLog + README.length + SIZES.cacheA + SIZES.cacheB + osRelease[0]!;
    const exact = async (id: string): Promise<string | null> => page.getByTestId(id).locator('strong [title]').getAttribute('title');
    assert.equal(await exact('wasted-total'), `${wasted.toLocaleString('en-US')} bytes`);
    assert.equal(await exact('wasted-reclaimable'), `${reclaimable.toLocaleString('en-US')} bytes`);
    const sums = page.getByTestId('wasted-sums').locator('td [title]');
    assert.deepEqual(await sums.evaluateAll((els) => els.map((el) => el.getAttribute('title'))), [wasted, reclaimable].map((n) => `${n.toLocaleString('en-US')} bytes`));
    await screenshot(page, 'xray-01-files');
    await page.getByRole('region', { name: 'Wasted space' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'xray-01-wasted-space');
    await page.getByLabel('Filter paths').fill('os-rel');
    await page.getByRole('listbox', { name: 'Merged filesystem' }).getByText('os-release').click();
    const content = page.getByLabel('File content');
    await content.waitFor();
    assert.equal(await content.textContent(), `${OS_RELEASE}VARIANT=two\n`);
    await screenshot(page, 'xray-02-open-file');
  });

  it('the layer picker names what each layer adds, changes and removes, as GNU tar extracts the layers and as the layer shows once chosen', async () => {
    await page.getByLabel('Filter paths').fill('');
    const picker = page.getByRole('region', { name: 'Files' }).getByRole('combobox');
    const options = await picker.locator('option').allTextContents();
    assert.equal(options.length, 6, options.join(' | '));
    const counts = options.slice(1).map((option) => {
      const m = /^Layer \d: \+([\d,]+) added, ~([\d,]+) changed, −([\d,]+) removed \(sha256:[0-9a-f]{12}\)$/.exec(option);
      assert.ok(m, option);
      return m.slice(1, 4).map((n) => Number(n.replace(/,/g, '')));
    });
    // The independent truth: each layer of v2 extracted by GNU tar. The first layer adds every path it holds (its
    // directories included); the second removes one path per whiteout file; the fourth adds /srv and its file.
    const { dirs } = await extractLayers(built.layout, 'v2', join(work, 'extracted-picker'));
    const walked = await Promise.all(dirs.map((dir) => walkTree(dir)));
    assert.deepEqual(counts[0], [walked[0]!.length, 0, 0]);
    const whiteouts = walked[1]!.filter((w) => /(^|\/)\.wh\.(?!\.wh\.)/.test(w.path)).length;
    assert.equal(counts[1]![2], whiteouts, `layer 2 removes ${whiteouts} paths`);
    assert.deepEqual(counts[3], [walked[3]!.length, 0, 0], walked[3]!.map((w) => w.path).join(', '));
    // Chosen, each layer shows the same counts beside its tar's entry count.
    for (const [i, [added, changed, removed]] of counts.entries()) {
      await picker.selectOption({ index: i + 1 });
      const summary = page.getByTestId('layer-tar-entries').locator('..');
      const expected = new RegExp(`^\\+${added!.toLocaleString('en-US')} added .*~${changed!.toLocaleString('en-US')} changed .*−${removed!.toLocaleString('en-US')} removed .* · its tar holds [\\d,]+ entr(y|ies) \\(directories and whiteouts among them\\)$`);
      for (let tries = 0; tries < 100 && !expected.test((await summary.textContent().catch(() => '')) ?? ''); tries++) await page.waitForTimeout(50);
      assert.match((await summary.textContent()) ?? '', expected, `layer ${i + 1}`);
    }
    await picker.selectOption({ index: 2 });
    await page.getByTestId('layer-tar-entries').waitFor();
    await screenshot(page, 'xray-09-layer-changes');
    await picker.selectOption('merged');
    await page.getByRole('listbox', { name: 'Merged filesystem' }).waitFor();
  });

  it('at 900x600 the layer picker (its long options) and the filter both fit the Files pane, side by side', async () => {
    await page.setViewportSize({ width: 900, height: 600 });
    try {
      const files = page.getByRole('region', { name: 'Files' });
      const picker = files.getByRole('combobox');
      const filter = page.getByLabel('Filter paths');
      await filter.scrollIntoViewIfNeeded();
      const [pane, pickerBox, filterBox] = await Promise.all([files.boundingBox(), picker.boundingBox(), filter.boundingBox()]);
      assert.ok(pane && pickerBox && filterBox);
      await screenshot(page, 'xray-10-toolbar-900x600');
      // The picker's widest option ('Layer 2: +N added, ~N changed, −N removed (sha256:…)') pushed the filter past the
      // window's right edge, and 'Show' onto a line of its own.
      assert.ok(filterBox.x + filterBox.width <= pane.x + pane.width + 1, `the filter ends at ${filterBox.x + filterBox.width}, the pane at ${pane.x + pane.width}`);
      assert.ok(filterBox.width >= 120, `the filter is ${filterBox.width} px wide`);
      assert.ok(Math.abs(filterBox.y - pickerBox.y) < pickerBox.height, 'the picker and the filter share a line');
      const label = await files.getByText('Show', { exact: true }).boundingBox();
      assert.ok(label && Math.abs(label.y + label.height / 2 - (pickerBox.y + pickerBox.height / 2)) < pickerBox.height / 2, "'Show' stands beside the picker, not above it");
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('the size map fills the Files pane, and follows the window as it resizes', async () => {
    const files = page.getByRole('region', { name: 'Files' });
    const map = page.getByRole('figure', { name: 'Size map' }).locator('svg');
    const fits = async (): Promise<{ map: { width: number; height: number }; pane: { width: number } }> => {
      await map.scrollIntoViewIfNeeded();
      const [mapBox, paneBox] = await Promise.all([map.boundingBox(), files.boundingBox()]);
      assert.ok(mapBox && paneBox);
      return { map: mapBox, pane: paneBox };
    };
    const wide = await fits();
    await screenshot(page, 'xray-07-size-map-1400');
    assert.ok(wide.map.width >= wide.pane.width - 2, `the map is ${wide.map.width} px wide in a pane of ${wide.pane.width} px`);
    assert.ok(wide.map.height >= 220, `the map is ${wide.map.height} px high`);
    await page.setViewportSize({ width: 1000, height: 700 });
    try {
      // The map is laid out again once its box has been measured: a frame or two after the window changed.
      const narrow = await waitFor(async () => {
        const now = await fits();
        return now.pane.width < wide.pane.width && Math.abs(now.map.width - now.pane.width) <= 2 ? now : undefined;
      }, 10_000, 'the map to fill the narrower pane');
      await screenshot(page, 'xray-08-size-map-1000');
      assert.ok(narrow.map.height >= 220, `the map is ${narrow.map.height} px high`);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('Raw, Files, Raw again: the raw JSON keeps the height there is, and an opened file is in view (1400x900, 900x600)', async () => {
    const measure = `(() => {
      const grid = document.querySelector('.raw-grid').getBoundingClientRect();
      const pre = document.querySelector('[aria-label="Raw manifest"]').getBoundingClientRect();
      return { gridBottom: grid.bottom, pre: pre.height };
    })()`;
    for (const [width, height] of [[1400, 900], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      const size = `${width}x${height}`;
      await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
      await page.getByRole('button', { name: 'xray/app', exact: true }).click();
      await page.getByRole('button', { name: '1.2.1', exact: true }).click();
      await page.getByRole('button', { name: 'Raw JSON' }).click();
      await page.getByLabel('Raw config').waitFor();
      const first = await page.evaluate<{ gridBottom: number; pre: number }>(measure);
      await screenshot(page, `xray-04-raw-${size}`);

      await page.getByRole('button', { name: 'Files', exact: true }).click();
      await page.getByRole('region', { name: 'Files' }).getByText(/paths, .* in the merged filesystem of 5 layers/).waitFor();
      await page.getByLabel('Filter paths').fill('os-rel');
      await page.getByRole('listbox', { name: 'Merged filesystem' }).getByText('os-release').click();
      await page.getByLabel('File content').waitFor();
      // In view without hunting: the whole file panel is inside the window once it opens.
      // (Polled with evaluate: the page's CSP forbids the eval that waitForFunction needs.)
      const inView = `(() => { const r = document.querySelector('[role=dialog][aria-label=File]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= ${height} + 0.5; })()`;
      let visible = false;
      for (let i = 0; i < 50 && !visible; i++) {
        visible = await page.evaluate<boolean>(inView);
        if (!visible) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await screenshot(page, `xray-05-files-${size}`);
      const where = await page.evaluate<string>(`JSON.stringify([document.querySelector('[role=dialog][aria-label=File]').getBoundingClientRect(), document.querySelector('.view').scrollTop, document.querySelector('.view').clientHeight, document.querySelector('.view').scrollHeight])`);
      assert.ok(visible, `${size}: the opened file is inside the window (${where})`);

      await page.getByRole('button', { name: 'Raw JSON' }).click();
      await page.getByLabel('Raw config').waitFor();
      const again = await page.evaluate<{ gridBottom: number; pre: number }>(measure);
      await screenshot(page, `xray-06-raw-again-${size}`);
      // The panes reach the bottom of the window (its padding aside), before and after the Files tab.
      for (const m of [first, again]) assert.ok(m.gridBottom >= height - 24 && m.pre > 200, `${size}: ${JSON.stringify({ first, again })}`);
      assert.ok(Math.abs(again.pre - first.pre) < 2, `${size}: the raw view kept its height (${JSON.stringify({ first, again })})`);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('compares two tags and puts what made the second bigger on top', async () => {
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    await page.getByRole('button', { name: 'xray/app', exact: true }).click();
    await page.getByLabel('Select 1.0.0', { exact: true }).check();
    await page.getByLabel('Select 1.2.1', { exact: true }).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await page.getByRole('button', { name: /Files changed from/ }).click();
    const why = page.getByTestId('why-it-grew');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /^\+400 kB .*: \/srv\/model\.bin \+400 kB/);
    // One mark per row, named for screen readers, and no list bullet beside it.
    const changed = page.getByRole('region', { name: 'Files changed' });
    assert.ok((await changed.getByRole('img', { name: 'added' }).count()) >= 1);
    const bullets = await page.evaluate<string[]>(`[...document.querySelectorAll('.files-changed ul')].map((ul) => getComputedStyle(ul).listStyleType)`);
    assert.ok(bullets.length > 0 && bullets.every((b) => b === 'none'), bullets.join(', '));
    await screenshot(page, 'xray-03-files-changed');
  });
});
