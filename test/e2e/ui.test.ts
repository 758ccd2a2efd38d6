// The UI end to end: headless Chromium against `stevedore serve` and real registries. Add a registry, browse a
// catalog of thousands, filter, open a multi-arch image, compare two tags, drop a tarball and watch it push; and
// the error paths. Screenshots of each screen go to test-results/screenshots.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { mapLimit } from '../../electron/core/concurrency.js';
import type { WebHost } from '../../electron/web/server.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { freePort } from '../harness/ports.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, randomLayer, seedImage, seedIndex } from '../harness/seed.js';
import { skopeoDigest } from '../harness/verify-push.js';
import { skopeoInspect } from '../harness/tools.js';
import { formatBytes } from '../../shared/format.js';

const REPOSITORIES = 3_000;

describe('the UI in a browser', () => {
  let reg: TestRegistry;
  let basic: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  let shared = 0;
  let unique: [number, number] = [0, 0];
  const savedConfig = process.env.DOCKER_CONFIG;

  before(async () => {
    [reg, basic] = await Promise.all([startRegistry('none'), startRegistry('basic')]);
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-'));
    const base = randomLayer(80_000);
    const one = randomLayer(5_000);
    const two = randomLayer(20_000);
    const first = await seedImage(reg, 'web/app', '1', { layers: [base, one], created: '2026-06-01T10:00:00Z' });
    const second = await seedImage(reg, 'web/app', '2', { layers: [base, two], created: '2026-07-01T10:00:00Z' });
    shared = base.size;
    // What only one image has: its own layer and its config (the tag list counts configs too).
    unique = [one.size + first.config.size, two.size + second.config.size];
    await seedIndex(reg, 'web/multi', 'latest', [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }]);
    const names = Array.from({ length: REPOSITORIES }, (_, i) => `team-${String(i % 40).padStart(2, '0')}/service-${String(i).padStart(4, '0')}`);
    await mapLimit(names, 16, (name) => mountBlob(reg, name, 'web/app', base.digest));
    // A docker config whose password for the Basic registry is wrong, for the error path.
    await writeFile(join(work, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from('alice:not-the-password').toString('base64') } } }));
    process.env.DOCKER_CONFIG = work;
    web = await startTestWebHost(work, []);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    for (const r of [reg, basic]) {
      if (!r) continue;
      await closeSeeders(r);
      await r.stop();
    }
    if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedConfig;
    await rm(work, { recursive: true, force: true });
  });

  /** Deleting is the host's next step after the event or the request: a moment, not forever. */
  async function uploadsGone(message: string): Promise<void> {
    for (let i = 0; i < 200 && (await readdir(web.uploads.dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(await readdir(web.uploads.dir), [], message);
  }

  async function addRegistry(address: string, source: 'none' | 'docker-config'): Promise<void> {
    await page.getByRole('button', { name: '+ Add registry' }).click();
    await page.getByLabel('Registry address').fill(address);
    await page.getByLabel('Credential source').selectOption(source);
  }

  it('opens with the session token and adds a registry after testing it', async () => {
    await page.goto(web.url);
    await page.getByText('Add a registry to begin.').waitFor();
    await screenshot(page, '01-empty');
    await addRegistry(reg.host, 'none');
    await page.getByLabel('Registry name').fill('Local');
    await screenshot(page, '02-add-registry');
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).waitFor();
  });

  it('streams a catalog of thousands of repositories and filters it', async () => {
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    const total = (REPOSITORIES + 2).toLocaleString('en-US');
    await page.getByText(`${total} of ${total} repositories`).waitFor();
    assert.ok((await page.locator('.vrow').count()) < 200, 'only the rows in view are rendered');
    await screenshot(page, '03-catalog');
    await page.getByLabel('Filter repositories').fill('team-07/*-01*');
    await page.getByText(/^\d+ of [\d,]+ repositories/).filter({ hasText: /^(\d+) of/ }).waitFor();
    const count = await page.locator('.count').textContent();
    assert.match(count ?? '', /^\d+ of 3,002 repositories/);
    assert.ok(Number((count ?? '').split(' ')[0]) > 0 && Number((count ?? '').split(' ')[0]) < 100);
    await screenshot(page, '04-catalog-filtered');
    await page.getByLabel('Filter repositories').fill('web/');
    await page.getByRole('button', { name: 'web/app', exact: true }).click();
  });

  it('shows tags with sizes and compares two that share a layer', async () => {
    await page.getByRole('button', { name: '1', exact: true }).waitFor();
    await page.locator('.tags-grid').filter({ hasText: 'sha256:' }).nth(1).waitFor();
    await screenshot(page, '05-repository');
    await page.getByLabel('Select 1', { exact: true }).check();
    await page.getByLabel('Select 2', { exact: true }).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await page.getByTestId('shared-0').waitFor();
    assert.equal(await page.getByTestId('shared-0').getAttribute('title'), `${shared} bytes`);
    assert.equal(await page.getByTestId('shared-1').getAttribute('title'), `${shared} bytes`);
    assert.equal(await page.getByTestId('unique-0').getAttribute('title'), `${unique[0]} bytes`);
    assert.equal(await page.getByTestId('unique-1').getAttribute('title'), `${unique[1]} bytes`);
    assert.equal(await page.getByTestId('pull-0-1').locator('span').getAttribute('title'), `${unique[1].toLocaleString('en-US')} bytes`);
    await screenshot(page, '06-compare');
    // A reload compares the same two images: they are in the address, not only in memory.
    await page.reload();
    await page.getByTestId('shared-0').waitFor();
    assert.equal(await page.getByTestId('unique-0').getAttribute('title'), `${unique[0]} bytes`);
    assert.equal(await page.getByTestId('unique-1').getAttribute('title'), `${unique[1]} bytes`);
  });

  it('opens a multi-arch image with its platforms, layers and config', async () => {
    await page.keyboard.press('Control+k');
    await page.getByLabel('Go to').fill('Local');
    await page.keyboard.press('Enter');
    await page.getByLabel('Filter repositories').fill('web/multi');
    await page.getByRole('button', { name: 'web/multi', exact: true }).click();
    await page.getByRole('button', { name: 'latest', exact: true }).click();
    await page.getByRole('tab', { name: /linux\/amd64/ }).waitFor();
    await page.getByRole('tab', { name: /linux\/arm64\/v8/ }).click();
    await page.getByText('Layers of linux/arm64/v8').waitFor();
    await page.getByText('RUN step 1').first().waitFor();
    await screenshot(page, '07-image');
    await page.getByRole('button', { name: 'Raw JSON' }).click();
    await page.getByLabel('Raw manifest').waitFor();
  });

  it('a reload reopens the screen the address names, and the browser back returns to the previous one', async () => {
    await page.reload();
    await page.getByRole('tab', { name: /linux\/amd64/ }).waitFor();
    await page.goBack();
    await page.getByRole('button', { name: 'latest', exact: true }).waitFor();
    assert.equal(await page.getByRole('tab', { name: /linux\/amd64/ }).count(), 0);
    await page.goForward();
    await page.getByRole('tab', { name: /linux\/amd64/ }).waitFor();
  });

  it('pushes a dropped docker-archive while showing progress, verified with skopeo', async () => {
    const image = testImage([await layerTar('ui-base', 3_000_000), await layerTar('ui-app', 200_000, 'text')]);
    const archive = join(work, 'dropped.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['ui/dropped:7'] }]));
    await page.getByTestId('drop-input').setInputFiles(archive);
    await page.getByText('docker-archive').waitFor();
    assert.equal(await page.getByLabel('Target repository').inputValue(), 'ui/dropped');
    assert.equal(await page.getByLabel('Target tag').inputValue(), '7');
    await screenshot(page, '08-push-inspect');
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByRole('complementary', { name: 'Push tarballs' }).waitFor({ state: 'detached' });
    const job = page.getByTestId('job').filter({ hasText: 'ui/dropped' });
    await job.waitFor();
    await page.locator('[data-testid=job][data-state=pushed]').waitFor({ timeout: 60_000 });
    await screenshot(page, '09-transfers');
    const shown = (await job.locator('code').first().textContent()) ?? '';
    assert.equal(await skopeoDigest(reg, 'ui/dropped:7'), shown);
    // What it says it sent is what the registry holds (skopeo's manifest), gzipped from the archive's own layers.
    const stored = (await skopeoInspect(reg, 'ui/dropped:7', true)) as { config: { size: number }; layers: { size: number }[] };
    const sent = stored.config.size + stored.layers.reduce((sum, l) => sum + l.size, 0);
    const read = image.layers.reduce((sum, l) => sum + l.length, 0);
    assert.match((await job.getByTestId('job-summary').textContent()) ?? '', new RegExp(`^Uploaded ${formatBytes(sent).replace('.', '\\.')} in 3 blobs \\(2 layers gzipped from ${formatBytes(read).replace('.', '\\.')} with (libdeflate|zlib) `));
    // Every state a row can show fits its tag in the panel (`compressing` was cut to `compress…`).
    const cutStates = await page.evaluate<string[]>(`(() => {
      const tag = document.querySelector('.transfers .blob-row .state-tag');
      const was = tag.textContent;
      const cut = ['waiting', 'compressing', 'uploading', 'skipped', 'exists', 'mounted', 'done', 'failed', 'stopped'].filter((state) => {
        tag.textContent = state;
        return tag.scrollWidth > tag.clientWidth;
      });
      tag.textContent = was;
      return cut;
    })()`);
    assert.deepEqual(cutStates, []);
    // Pushed, and the page had queued its only image: the upload is gone.
    await uploadsGone('a pushed upload was kept');
  });

  it('says a second push of the same archive had nothing to upload', async () => {
    const earlier = await page.getByTestId('job').count();
    await page.getByTestId('drop-input').setInputFiles(join(work, 'dropped.tar'));
    await page.getByLabel('Target tag').waitFor();
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    // The new job goes on top once the host has taken it: until then the first card is the earlier push.
    await page.getByTestId('job').nth(earlier).waitFor();
    const again = page.getByTestId('job').first();
    await again.and(page.locator('[data-state=pushed]')).waitFor({ timeout: 60_000 });
    assert.equal(await again.getByTestId('job-summary').textContent(), 'Nothing to upload: the registry had all 3 blobs already');
    await screenshot(page, '09-transfers-nothing-to-upload');
    await uploadsGone('a pushed upload was kept');
  });

  it('names a bad archive, a registry that is down and a wrong password', async () => {
    const junk = join(work, 'junk.tar');
    await writeFile(junk, randomBytes(3000));
    await page.getByTestId('drop-input').setInputFiles(junk);
    await page.getByText('ARCHIVE_INVALID').waitFor();
    await screenshot(page, '10-bad-archive');
    await page.getByRole('button', { name: 'Dismiss junk.tar' }).click();
    await uploadsGone('a dismissed upload was kept');

    await addRegistry(`127.0.0.1:${await freePort()}`, 'none');
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await page.getByRole('dialog').getByText('NETWORK').waitFor();
    await screenshot(page, '11-registry-down');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await addRegistry(basic.host, 'docker-config');
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await page.getByRole('dialog').getByText('AUTH_FAILED').waitFor();
    await screenshot(page, '12-wrong-password');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });
});
