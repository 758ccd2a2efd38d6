// Registries the user manages, in a real browser at 900x600: a failed add is not kept, "Save anyway" keeps it on
// purpose, a `docker login` with a new password (the docker config rewritten) takes effect on Retry, Docker Hub is
// removed like any entry, the stored-password option says why it is off, a tarball dropped while browsing a
// registry targets it, and a registry added twice is refused with an offer to edit the one there.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebHost } from '../../electron/web/server.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { freePort } from '../harness/ports.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, pushManifest, seedImage } from '../harness/seed.js';

describe('registries the user manages, in the browser', () => {
  let basic: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  const savedConfig = process.env.DOCKER_CONFIG;
  const auth = (password: string): string => Buffer.from(`${ADMIN.username}:${password}`).toString('base64');
  const writeConfig = (password: string): Promise<void> => writeFile(join(work, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth: auth(password) } } }));
  const nav = () => page.getByRole('navigation', { name: 'Registries' });

  before(async () => {
    basic = await startRegistry('basic');
    await seedImage(basic, 'team/api', '1.0');
    // A second tag on the same digest: deleting v1 deletes it too, and the confirmation must say so.
    const web1 = await seedImage(basic, 'team/web', 'v1');
    await pushManifest(basic, 'team/web', 'v1-alias', web1.manifest, web1.mediaType);
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-registries-'));
    await writeConfig('an-old-password');
    process.env.DOCKER_CONFIG = work;
    const hub = { id: 'hub', name: 'Docker Hub', url: 'docker.io', credentialSource: 'docker-config', insecure: false, concurrency: 4, bookmarks: [] };
    web = await startTestWebHost(work, [hub]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    if (basic) {
      await closeSeeders(basic);
      await basic.stop();
    }
    if (savedConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedConfig;
    await rm(work, { recursive: true, force: true });
  });

  async function names(): Promise<string[]> {
    const listed = await web.host.handle('registries:list', {});
    assert.ok(listed.ok);
    return (listed.value as { name: string }[]).map((r) => r.name).sort();
  }

  it('a failed "Save and test" keeps the dialog open with the reason and saves nothing', async () => {
    await page.goto(web.url);
    await nav().getByRole('button', { name: 'Docker Hub', exact: true }).waitFor();
    await page.getByRole('button', { name: '+ Add registry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add registry' });
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Registry address');
    await page.getByLabel('Registry address').fill(`127.0.0.1:${await freePort()}`);
    await page.getByLabel('Registry name').fill('Nowhere');
    // No secure store in the web host: the option is there, off, with the reason.
    assert.equal(await page.locator('option[value=stored]').isDisabled(), true);
    await dialog.getByText(/no secure store is available/).waitFor();
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await dialog.getByText('NETWORK').waitFor();
    await dialog.getByText(/Nothing was saved/).waitFor();
    assert.doesNotMatch((await dialog.textContent()) ?? '', /--[a-z]/, 'no command-line option in the app');
    await screenshot(page, 'registries-01-failed-add-900x600');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(await names(), ['Docker Hub']);
    assert.equal(await nav().getByText('Nowhere').count(), 0);
  });

  it('"Save anyway" keeps a registry whose password is wrong; a docker login with the new one takes effect on Retry', async () => {
    await page.getByRole('button', { name: '+ Add registry' }).click();
    await page.getByLabel('Registry address').fill(basic.host);
    await page.getByLabel('Registry name').fill('Team');
    await page.getByRole('button', { name: 'Save and test connection' }).click();
    await page.getByRole('dialog').getByText('AUTH_FAILED').waitFor();
    await page.getByRole('button', { name: 'Save anyway' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await nav().getByRole('button', { name: 'Team', exact: true }).click();
    await page.getByRole('alert').getByText('AUTH_FAILED').waitFor();
    await page.locator('#status-' + (await registryId('Team'))).filter({ hasText: /not reachable/ }).waitFor({ state: 'attached' });
    await screenshot(page, 'registries-02-wrong-password-900x600');
    await writeConfig(ADMIN.password); // what `docker login` does
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('button', { name: 'team/api', exact: true }).waitFor();
    await page.locator('#status-' + (await registryId('Team'))).filter({ hasText: /^reachable/ }).waitFor({ state: 'attached' });
    await screenshot(page, 'registries-03-after-docker-login-900x600');
  });

  async function registryId(name: string): Promise<string> {
    const listed = await web.host.handle('registries:list', {});
    assert.ok(listed.ok);
    return (listed.value as { id: string; name: string }[]).find((r) => r.name === name)?.id ?? '';
  }

  it('a tarball dropped while browsing a repository targets that registry and repository', async () => {
    await page.getByRole('button', { name: 'team/api', exact: true }).click();
    await page.getByRole('listbox', { name: 'Tags' }).waitFor();
    const archive = join(work, 'unnamed.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('registries-e2e', 2000)]), tags: [] }]));
    await page.getByTestId('drop-input').setInputFiles(archive);
    await page.getByText('docker-archive').waitFor();
    assert.equal(await page.getByLabel('Target registry').inputValue(), await registryId('Team'));
    assert.equal(await page.getByLabel('Target repository').inputValue(), 'team/api');
    await screenshot(page, 'registries-04-push-target-900x600');
    await page.getByRole('button', { name: 'Dismiss unnamed.tar' }).click();
  });

  it('removes Docker Hub like any registry, after a confirmation', async () => {
    await nav().getByRole('button', { name: 'Edit Docker Hub' }).click();
    await page.getByRole('button', { name: 'Remove…' }).click();
    await page.getByRole('alertdialog', { name: 'Remove Docker Hub?' }).waitFor();
    await screenshot(page, 'registries-05-remove-900x600');
    await page.getByRole('button', { name: 'Remove registry' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await nav().getByRole('button', { name: 'Docker Hub', exact: true }).count(), 0);
    assert.deepEqual(await names(), ['Team']);
    await page.keyboard.press('Control+k');
    await page.getByLabel('Go to').fill('team/nothing-here');
    await page.getByText(/Nothing matches “team\/nothing-here”/).waitFor();
    await page.getByLabel('Go to').fill('team/api:1');
    await page.getByRole('option', { name: /team\/api:1\.0/ }).waitFor();
    await screenshot(page, 'registries-06-palette-900x600');
    await page.keyboard.press('Escape');
    // The remaining screens at 900x600: the catalog, and the transfers panel floating over it.
    await nav().getByRole('button', { name: 'Team', exact: true }).click();
    await page.getByRole('button', { name: 'team/api', exact: true }).waitFor();
    await screenshot(page, 'registries-07-catalog-900x600');
    await page.getByRole('button', { name: 'Transfers' }).click();
    const panel = page.getByRole('complementary', { name: 'Transfers' });
    await panel.waitFor();
    const box = await panel.boundingBox();
    assert.ok(box && box.x + box.width <= 900 && box.x >= 0, 'the transfers panel stays inside the window');
    await screenshot(page, 'registries-08-transfers-900x600');
    await page.getByRole('button', { name: 'Close transfers' }).click();
  });

  it('adding a registry that is already there says so and offers to edit it; nothing is duplicated', async () => {
    await page.getByRole('button', { name: '+ Add registry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add registry' });
    await page.getByLabel('Registry address').fill(`http://${basic.host}/`);
    await dialog.getByRole('alert').getByText(`${basic.host} is already in your registries as`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save and test connection' }).isDisabled(), true);
    await screenshot(page, 'registries-09-already-there-900x600');
    await dialog.getByRole('button', { name: 'Edit Team instead' }).click();
    await page.getByRole('dialog', { name: 'Edit registry' }).waitFor();
    assert.equal(await page.getByLabel('Registry name').inputValue(), 'Team');
    assert.equal(await page.getByLabel('Registry address').inputValue(), basic.host);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.deepEqual(await names(), ['Team']);
  });

  it('deleting a tag names the other tags on its digest before it deletes them all, and the lists refresh', async () => {
    await nav().getByRole('button', { name: 'Team', exact: true }).click();
    await page.getByRole('button', { name: 'team/web', exact: true }).click();
    await page.getByRole('button', { name: 'v1-alias', exact: true }).waitFor();
    await page.getByLabel('Select v1', { exact: true }).check();
    await page.getByRole('button', { name: 'Delete selected' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm delete' });
    await confirm.getByText('Also deleted, on the same digest: 1 other tag:').waitFor();
    assert.match((await confirm.textContent()) ?? '', /other tag:\s*v1-alias/);
    await screenshot(page, 'registries-10-delete-names-other-tags-900x600');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'v1-alias', exact: true }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('button', { name: 'v1', exact: true }).count(), 0);
    const listed = await web.host.handle('tags:list', { registryId: await registryId('Team'), repository: 'team/web' });
    assert.deepEqual(listed.ok ? (listed.value as { items: string[] }).items : listed, []);
  });
});
