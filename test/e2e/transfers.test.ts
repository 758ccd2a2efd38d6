// Copy and export in the UI, end to end: headless Chromium against the web host and two real registries. Drag a tag
// onto another registry, watch the copy finish, open it; export an image as a browser download skopeo reads.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { run } from '../harness/exec.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, seedIndex, type SeededImage } from '../harness/seed.js';
import { skopeoRaw } from '../harness/verify-copy.js';

describe('copy and export in the browser', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  let image: SeededImage;

  before(async () => {
    [source, target] = await Promise.all([startRegistry('none'), startRegistry('none')]);
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-transfers-'));
    image = await seedImage(source, 'team/app', '1', { layers: [randomLayer(3 * 1024 * 1024), randomLayer(2000)] });
    await seedIndex(source, 'team/multi', 'latest', [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }]);
    await mkdir(join(work, 'data'), { recursive: true });
    const profiles = new ProfileStore(join(work, 'data', 'registries.json'));
    await profiles.save({ name: 'Staging', url: `http://${source.host}`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });
    await profiles.save({ name: 'Production', url: `http://${target.host}`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });
    // Exports asked over the web go into the host's export folder, by name only (export-target.test.ts).
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles, secrets: noSecretStore, cacheDir: join(work, 'cache'), exportDir: join(work, 'exports', 'nightly builds for the team in the other building') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    for (const r of [source, target]) {
      if (!r) continue;
      await closeSeeders(r);
      await r.stop();
    }
    await rm(work, { recursive: true, force: true });
  });

  const sidebar = (): ReturnType<Page['getByRole']> => page.getByRole('navigation', { name: 'Registries' });

  it('drags a tag onto another registry, copies it and opens the copy', async () => {
    await page.goto(web.url);
    await sidebar().getByRole('button', { name: 'Staging', exact: true }).click();
    await page.getByRole('button', { name: 'team/app', exact: true }).click();
    const row = page.locator('.tags-grid').filter({ hasText: 'sha256:' }).first();
    await row.waitFor();
    await row.dragTo(sidebar().locator('li').filter({ hasText: 'Production' }));
    const dialog = page.getByRole('dialog', { name: 'Copy image' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Target registry').inputValue(), (await dialog.getByLabel('Target registry').locator('option', { hasText: 'Production' }).getAttribute('value')) ?? '');
    await screenshot(page, '20-copy-dialog');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    const job = page.getByTestId('job').filter({ hasText: 'Copy to' });
    await job.and(page.locator('[data-state="pushed"]')).waitFor();
    assert.match((await job.textContent()) ?? '', new RegExp(image.digest));
    // The title is read whole in the 400 px panel: its end (the repository and tag) tells one job from the next.
    const cutTitles = await page.evaluate<string[]>(`[...document.querySelectorAll('.transfers .job-head strong')].filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)`);
    assert.deepEqual(cutTitles, []);
    await screenshot(page, '21-copy-finished');
    assert.equal(await skopeoRaw(target, 'team/app:1'), image.manifest.toString());
    await job.getByRole('button', { name: 'Open image' }).click();
    await page.getByRole('heading', { name: 'team/app:1' }).waitFor();
    assert.match((await page.locator('.crumbs').textContent()) ?? '', /Production/);
  });

  it('after a reload, the finished copy listed again by the host still opens its image', async () => {
    await page.reload();
    await page.getByRole('navigation', { name: 'Registries' }).waitFor();
    await sidebar().getByRole('button', { name: 'Staging', exact: true }).click();
    await page.getByRole('button', { name: /^Transfers/ }).click();
    const job = page.getByTestId('job').filter({ hasText: 'Copy to' });
    await job.and(page.locator('[data-state="pushed"]')).waitFor();
    await job.getByRole('button', { name: 'Open image' }).waitFor();
    await screenshot(page, '21-copy-after-reload');
    await job.getByRole('button', { name: 'Open image' }).click();
    await page.getByRole('heading', { name: 'team/app:1' }).waitFor();
    assert.match((await page.locator('.crumbs').textContent()) ?? '', /Production/);
  });

  it('exports the image as a browser download that skopeo reads', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export image' });
    await dialog.getByLabel('Export format').selectOption('oci-archive');
    await screenshot(page, '22-export-dialog');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Download in the browser' }).click()]);
    const file = join(work, 'download.tar');
    await download.saveAs(file);
    assert.equal(download.suggestedFilename(), 'team_app_1.oci.tar');
    const inspected = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${file}`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, image.digest);
  });

  it('exports to a file in the host\'s export folder and names the file and its whole folder in the transfers panel', async () => {
    const folder = join(work, 'exports', 'nightly builds for the team in the other building');
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export image' });
    await dialog.getByLabel('Export file').fill('team-app-1.tar');
    // oci-archive: the seeded image's diff_ids are not its layers' (a docker-archive checks them).
    await dialog.getByLabel('Export format').selectOption('oci-archive');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const job = page.getByTestId('job').filter({ hasText: 'Export to team-app-1.tar' });
    await job.and(page.locator('[data-state="pushed"]')).waitFor();
    assert.equal(await job.getByTestId('export-destination').textContent(), `team/app:1 into the folder ${folder}/`);
    await job.scrollIntoViewIfNeeded();
    await screenshot(page, '23-export-to-file');
    const inspected = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${join(folder, 'team-app-1.tar')}`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, image.digest);
  });

  it('names the blobs of a multi-arch copy by platform and layer, inside a 900x600 window', async () => {
    await page.setViewportSize({ width: 900, height: 600 });
    // At this size the panel floats over the view: closed while browsing, it opens again with the new job.
    await page.getByRole('button', { name: 'Close transfers' }).click();
    await sidebar().getByRole('button', { name: 'Staging', exact: true }).click();
    await page.getByRole('button', { name: 'team/multi', exact: true }).click();
    await page.getByRole('button', { name: 'latest', exact: true }).click();
    await page.getByRole('button', { name: 'Copy to…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy image' });
    await dialog.getByLabel('Target registry').selectOption({ label: 'Production' });
    await dialog.getByRole('button', { name: 'Copy' }).click();
    const job = page.getByTestId('job').filter({ hasText: 'team/multi' });
    await job.and(page.locator('[data-state="pushed"]')).waitFor();
    const names = await job.locator('.blob-name').allTextContents();
    for (const platform of ['linux/amd64', 'linux/arm64/v8']) {
      assert.ok(names.includes(`config ${platform}`), names.join(', '));
      assert.ok(names.some((n) => n.startsWith('layer 1/') && n.includes(platform)), names.join(', '));
    }
    assert.equal(new Set(names).size, names.length, `every row tells itself apart: ${names.join(', ')}`);
    // ... on screen too, not only in the text: no name is cut short in the 400 px panel.
    const cut = await page.evaluate<string[]>(`[...document.querySelectorAll('.transfers .blob-name')].filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)`);
    assert.deepEqual(cut, []);
    await screenshot(page, '23-multi-arch-copy-900x600');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('closes the push drawer with its close button or Esc, and gives focus back to the button that opened it', async () => {
    const archive = join(work, 'drawer.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('drawer', 2000, 'text')]), tags: ['team/drawer:1'] }]));
    const drawer = page.getByRole('complementary', { name: 'Push tarballs' });
    const focused = (): Promise<string> => page.evaluate('document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? ""');
    const route = (): string => new URL(page.url()).href;

    await page.getByRole('button', { name: 'Push tarball…' }).focus();
    await page.getByTestId('drop-input').setInputFiles(archive);
    await drawer.getByText('docker-archive').waitFor();
    assert.equal(await page.evaluate('document.activeElement?.closest(".push-dialog") !== null'), true, 'focus moves into the drawer');
    await screenshot(page, '24-push-drawer-close-button');
    const before = route();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    assert.equal(route(), before, 'Esc closed the drawer rather than going back a view');
    assert.equal(await focused(), 'Push tarball…');

    await page.getByTestId('drop-input').setInputFiles(archive);
    await drawer.getByLabel('Target repository').waitFor();
    await drawer.getByLabel('Target repository').focus();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    assert.equal(await focused(), 'Push tarball…');

    await page.getByTestId('drop-input').setInputFiles(archive);
    await drawer.getByRole('button', { name: 'Close push tarballs' }).click();
    await drawer.waitFor({ state: 'detached' });
    assert.equal(await focused(), 'Push tarball…');
  });
  it('at 900x600 a tarball dropped while the floating Transfers panel is open opens the push drawer on top of it', async () => {
    const archive = join(work, 'over-panel.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('over-panel', 2000, 'text')]), tags: ['team/over:1'] }]));
    await page.setViewportSize({ width: 900, height: 600 });
    try {
      const panel = page.getByRole('complementary', { name: 'Transfers' });
      if (!(await panel.isVisible())) await page.getByRole('button', { name: /^Transfers/ }).click();
      await panel.waitFor();
      const drawer = page.getByRole('complementary', { name: 'Push tarballs' });
      await page.getByTestId('drop-input').setInputFiles(archive);
      const push = drawer.getByRole('button', { name: 'Push', exact: true });
      await push.waitFor();
      await screenshot(page, '25-drawer-over-transfers-900x600');
      // The floating panel stood over the drawer (the drawer had the focus, and Esc, but could not be seen or clicked).
      const box = await push.boundingBox();
      assert.ok(box);
      const hit = await page.evaluate<string | null>(`document.elementFromPoint(${box.x + box.width / 2}, ${box.y + box.height / 2})?.closest('aside')?.className ?? null`);
      assert.equal(hit, 'push-dialog', 'what is under the pointer at the Push button');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      await panel.waitFor();
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });
});
