// The UI against a lying registry, in headless Chromium: what the registry says (platforms, dates, labels, history,
// error messages full of HTML, script, control and bidi characters, thousands of characters long) is shown as text,
// runs nothing, and stays inside its own row, so it can neither cover nor block the rows around it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { MediaType } from '../../shared/media-types.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { launchBrowser, screenshot } from '../harness/browser.js';

const SCRIPT = `<img src=x onerror="document.title='XSS'"><script>document.title='XSS'</script>`;
const WIDE = 15_000;
const BIDI = 'abc\u202Egnp.exe\u202C\u200F \u0000\u0007\u001b[2J';

interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
}

const blob = (value: unknown): Blob => {
  const bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes };
};

function image(architecture: string, extra: Record<string, unknown>): { manifest: Blob; blobs: Blob[] } {
  const layer = blob(`layer of ${architecture}`);
  const config = blob({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [blob('x').digest] }, ...extra });
  const manifest = blob({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.bytes.length }, layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.bytes.length }] });
  return { manifest, blobs: [config, layer] };
}

describe('the UI against a lying registry', () => {
  let registry: Server;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  const dialogs: string[] = [];

  before(async () => {
    // Sorted by tag, the hostile image comes first: its text used to spill over the row below and swallow its clicks.
    const hostile = image(`${SCRIPT}${BIDI}${'w'.repeat(3000)}`, {
      variant: BIDI,
      created: `<script>alert(1)</script>${'c'.repeat(500)}`,
      author: 'javascript:alert(1)',
      config: { Labels: { [SCRIPT]: SCRIPT, 'org.opencontainers.image.source': 'javascript:alert(1)', bidi: BIDI }, Env: [`X=${SCRIPT}`], Cmd: [SCRIPT] },
      history: [{ created: SCRIPT, created_by: `/bin/sh -c ${SCRIPT}${BIDI}`, comment: SCRIPT }],
    });
    const plain = image('arm64', { created: '2026-01-01T00:00:00Z' });
    // Far more layers, history, env and labels than any image has: the page used to freeze for most of a minute.
    const wideConfig = blob({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Env: Array.from({ length: WIDE }, (_, i) => `E${i}=x`), Labels: Object.fromEntries(Array.from({ length: WIDE }, (_, i) => [`label${i}`, 'v'])) }, history: Array.from({ length: 2 * WIDE }, (_, i) => ({ created_by: `RUN step ${i}` })) });
    const wide = blob({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: wideConfig.digest, size: wideConfig.bytes.length }, layers: Array.from({ length: WIDE }, (_, i) => ({ mediaType: MediaType.ociLayerGzip, digest: blob(`layer ${i}`).digest, size: i })) });
    const tags = new Map([['a-hostile', hostile.manifest], ['b-plain', plain.manifest], ['d-wide', wide]]);
    const content = new Map([...hostile.blobs, ...plain.blobs, hostile.manifest, plain.manifest, wide, wideConfig].map((b) => [b.digest, b]));
    registry = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/v2/') return json(200, {});
      if (path === '/v2/_catalog') return json(200, { repositories: ['lying/app'] });
      if (path === '/v2/lying/app/tags/list') return json(200, { name: 'lying/app', tags: [...tags.keys(), 'c-broken'] });
      if (path === '/v2/lying/app/manifests/c-broken') return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: `${SCRIPT}${BIDI}${'m'.repeat(2000)}` }] });
      const match = /^\/v2\/lying\/app\/(?:manifests|blobs)\/(.+)$/.exec(path);
      const found = match ? (tags.get(match[1] ?? '') ?? content.get(match[1] ?? '')) : undefined;
      if (!found) return json(404, { errors: [{ code: 'BLOB_UNKNOWN', message: SCRIPT }] });
      res.writeHead(200, { 'content-type': path.includes('/manifests/') ? MediaType.ociManifest : 'application/octet-stream', 'docker-content-digest': found.digest, 'content-length': found.bytes.length });
      res.end(req.method === 'HEAD' ? undefined : found.bytes);
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
    work = await mkdtemp(join(tmpdir(), 'stevedore-lying-ui-'));
    await writeFile(join(work, 'registries.json'), JSON.stringify({ version: 1, profiles: [{ id: 'lying', name: 'Lying', url: host, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] }] }));
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    registry?.closeAllConnections();
    registry?.close();
    await rm(work, { recursive: true, force: true });
  });

  const nothingRan = async (): Promise<void> => {
    assert.deepEqual(dialogs, []);
    assert.equal(await page.title(), 'Stevedore');
    assert.equal(await page.locator('img[onerror], script:not([src]), [href^="javascript:"]').count(), 0);
  };

  it('keeps each tag row to itself, so the row under a hostile one can be opened', async () => {
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Lying', exact: true }).click();
    await page.getByRole('button', { name: 'lying/app', exact: true }).click();
    await page.locator('.tags-grid').filter({ hasText: 'a-hostile' }).filter({ hasText: 'sha256:' }).waitFor();
    await page.locator('.tags-grid').filter({ hasText: 'b-plain' }).filter({ hasText: 'sha256:' }).waitFor();
    await screenshot(page, 'lying-registry-tags');
    const rows = await page.locator('.vrow').evaluateAll((els) => els.map((el) => ({ height: el.getBoundingClientRect().height, content: el.scrollHeight })));
    for (const row of rows) assert.ok(row.content <= row.height + 1, `a row's content (${row.content} px) runs out of its row (${row.height} px)`);
    await nothingRan();
    // The row below the hostile one takes its click (a spilled cell used to swallow it).
    await page.getByRole('button', { name: 'b-plain', exact: true }).click({ timeout: 5_000 });
    await page.getByText('arm64').first().waitFor();
    await nothingRan();
  });

  it('shows the hostile image as text and runs nothing', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'a-hostile', exact: true }).click();
    await page.getByText('javascript:alert(1)').first().waitFor();
    await screenshot(page, 'lying-registry-image');
    await nothingRan();
    // Control and bidi characters are shown as escapes, so nothing the registry sends reorders what is on screen.
    const text = await page.locator('main').innerText();
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(text, /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u0000\u0007\u001b]/);
    assert.match(text, /abc\\u202egnp\.exe\\u202c\\u200f \\x00\\x07\\x1b\[2J/);
  });

  it('draws an image of tens of thousands of layers, history lines and labels in part, and says how much is left out', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'd-wide', exact: true }).click();
    const more = `… and ${(WIDE - 500).toLocaleString('en-US')} more not shown`;
    await page.getByText(more).first().waitFor();
    assert.equal(await page.getByText(more).count(), 3, 'layers, env and labels');
    await page.getByText(`… and ${(2 * WIDE - 500).toLocaleString('en-US')} more not shown`).waitFor();
    assert.equal(await page.locator('table.layers tbody tr').count(), 500);
    await screenshot(page, 'lying-registry-wide-image');
  });
});
