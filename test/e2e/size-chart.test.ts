// The size-over-time chart of a repository of multi-arch tags, in a real browser against a real registry: one point
// per tag for the host's platform by default, every platform (one series each) only when asked, and the sizes the
// points stand for computed here from the blobs the test pushed, not by the engine. Screenshots at 900x600 and
// 1400x900.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatBytes } from '../../shared/format.js';
import { MediaType } from '../../shared/media-types.js';
import type { WebHost } from '../../electron/web/server.js';
import { startTestWebHost } from '../harness/web-host.js';
import { launchBrowser, screenshot } from '../harness/browser.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, imageConfig, imageManifest, pushBlob, pushManifest, randomLayer, seedImage, sha256, type Blob } from '../harness/seed.js';

const REPOSITORY = 'multi/app';
/** The platform a pull on this machine gets, as docker names it (this host's architecture, not our code's answer). */
const HOST = process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
const OTHER = HOST === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';
/** The chart's plot area as SizeChart draws it: top padding and height of the value axis. */
const PLOT_TOP = 10;
const PLOT_HEIGHT = 118;

interface Truth {
  readonly tag: string;
  readonly day: string;
  /** Bytes of each platform's config and layers, by os/architecture. */
  readonly sizes: ReadonlyMap<string, number>;
  /** Every distinct blob of the tag once: what its row in the tag list shows. */
  readonly total: number;
}

/** An image per platform pushed by digest (no tag of its own), sharing a base layer, and an index under `tag`. */
async function seedMultiArch(reg: TestRegistry, tag: string, day: string, base: Blob, growth: number): Promise<Truth> {
  const created = `${day}T00:00:00Z`;
  const sizes = new Map<string, number>();
  const blobs = new Map<string, number>();
  const manifests: { digest: string; size: number; mediaType: string; architecture: string }[] = [];
  for (const [architecture, extra] of [['amd64', 4000], ['arm64', 1500]] as const) {
    const layers = [base, randomLayer(extra + growth)];
    const config = blobOf(imageConfig({ architecture, created }, layers));
    for (const blob of [...layers, config]) {
      await pushBlob(reg, REPOSITORY, blob);
      blobs.set(blob.digest, blob.size);
    }
    const manifest = imageManifest('oci', config, layers);
    const digest = sha256(manifest.bytes);
    await pushManifest(reg, REPOSITORY, digest, manifest.bytes, manifest.mediaType);
    manifests.push({ digest, size: manifest.bytes.length, mediaType: manifest.mediaType, architecture });
    sizes.set(`linux/${architecture}`, config.size + layers.reduce((sum, l) => sum + l.size, 0));
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: manifests.map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os: 'linux', architecture: m.architecture } })) }));
  await pushManifest(reg, REPOSITORY, tag, index, MediaType.ociIndex);
  return { tag, day, sizes, total: [...blobs.values()].reduce((sum, size) => sum + size, 0) };
}

describe('size over time of multi-arch tags', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let browser: Browser;
  let page: Page;
  let work: string;
  const truth: Truth[] = [];

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-e2e-chart-'));
    const base = randomLayer(3000);
    truth.push(await seedMultiArch(reg, '1.0', '2025-01-10', base, 0));
    truth.push(await seedMultiArch(reg, '1.1', '2025-02-10', base, 3000));
    truth.push(await seedMultiArch(reg, '1.2', '2025-03-10', base, 6000));
    // One tag of the other platform only: with the host's platform shown, it is counted as not shown.
    const only = await seedImage(reg, REPOSITORY, 'edge', { architecture: OTHER.split('/')[1] as string, created: '2025-03-20T00:00:00Z', layers: [base, randomLayer(2500)] });
    const onlySize = only.config.size + only.layers.reduce((sum, l) => sum + l.size, 0);
    truth.push({ tag: 'edge', day: '2025-03-20', sizes: new Map([[OTHER, onlySize]]), total: onlySize });
    await closeSeeders(reg);
    web = await startTestWebHost(work, []);
    await web.host.handle('registries:save', { profile: { name: 'Local', url: reg.host, credentialSource: 'none' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** The centres of the points of each path the chart draws, in its own coordinates. */
  const pointsOf = async (): Promise<{ x: number; y: number }[][]> => {
    const paths = await page.locator('.size-chart svg path').evaluateAll((els) => els.map((el) => el.getAttribute('d') ?? ''));
    return paths.map((d) => [...d.matchAll(/M([\d.]+) ([\d.]+)h0/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) })));
  };

  it('shows one point per tag, for this host\'s platform, sized as the pushed blobs add up', async () => {
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Local', exact: true }).click();
    await page.getByRole('button', { name: REPOSITORY, exact: true }).click();
    const count = page.getByTestId('chart-count');
    await count.waitFor();
    // Every tag's summary in: the caption counts what it shows and what it leaves out.
    const shown = truth.filter((t) => t.sizes.has(HOST));
    const expected = `${shown.length} tags shown (${truth.length - shown.length} other tag without ${HOST})`;
    for (let i = 0; i < 100 && (await count.textContent()) !== expected; i++) await page.waitForTimeout(100);
    assert.equal(await count.textContent(), expected);
    assert.equal(await page.getByLabel('Platform', { exact: true }).inputValue(), HOST);

    // One path, one point per tag: heights in proportion to the sizes, left to right by date.
    const [points, ...others] = await pointsOf();
    assert.equal(others.length, 0, 'one series');
    assert.ok(points);
    assert.equal(points.length, shown.length);
    const sizes = shown.map((t) => t.sizes.get(HOST) as number);
    const max = Math.max(...sizes);
    points.forEach((p, i) => {
      const share = 1 - (p.y - PLOT_TOP) / PLOT_HEIGHT;
      assert.ok(Math.abs(share - (sizes[i] as number) / max) < 0.002, `${shown[i]?.tag}: drawn at ${share} of the top, its size is ${(sizes[i] as number) / max}`);
    });
    assert.ok(points.every((p, i) => i === 0 || p.x > (points[i - 1] as { x: number }).x), 'left to right by date');

    // The tip names the tag, the platform, and the tag's own total (what its row shows).
    const first = shown[0] as Truth;
    const box = await page.locator('.size-chart svg').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + (points[0] as { x: number }).x, box.y + (points[0] as { y: number }).y);
    const tip = page.getByTestId('chart-tip');
    await tip.waitFor();
    assert.equal(await tip.textContent(), `${first.tag} · ${HOST} ${formatBytes(first.sizes.get(HOST) as number)} (1 of 2 platforms; the tag: ${formatBytes(first.total)}) · ${first.day}`);
    const row = page.locator(`[data-tag="${first.tag}"]`);
    assert.equal(await row.locator('.size').textContent(), formatBytes(first.total));
    await screenshot(page, 'chart-01-host-platform-900x600');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.mouse.move(0, 0);
    await screenshot(page, 'chart-01-host-platform-1400x900');
    await page.setViewportSize({ width: 900, height: 600 });
  });

  it('All platforms shows every platform of every tag, one series each, named in the legend and the tip', async () => {
    await page.getByLabel('Platform', { exact: true }).selectOption('all');
    const points = truth.reduce((sum, t) => sum + t.sizes.size, 0);
    assert.equal(await page.getByTestId('chart-count').textContent(), `${truth.length} tags as ${points} points, one per tag and platform`);
    assert.deepEqual(await page.locator('.size-chart .legend').allTextContents(), [HOST, OTHER].map((p) => ` ${p}`));
    const series = await pointsOf();
    assert.deepEqual(
      series.map((s) => s.length),
      [HOST, OTHER].map((p) => truth.filter((t) => t.sizes.has(p)).length),
    );
    // The largest size of all stands at the top of the plot.
    const max = Math.max(...truth.flatMap((t) => [...t.sizes.values()]));
    const top = Math.min(...series.flat().map((p) => p.y));
    assert.ok(Math.abs(top - PLOT_TOP) < 0.1, `the top point is at ${top}`);
    assert.equal(await page.locator('.size-chart .tick').first().textContent(), formatBytes(max));
    const last = truth.at(-1) as Truth;
    const edge = series[1]?.at(-1);
    assert.ok(edge);
    const box = await page.locator('.size-chart svg').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + edge.x, box.y + edge.y);
    assert.equal(await page.getByTestId('chart-tip').textContent(), `${last.tag} · ${OTHER} ${formatBytes(last.total)} · ${last.day}`);
    await screenshot(page, 'chart-02-all-platforms-900x600');
    await page.setViewportSize({ width: 1400, height: 900 });
    await screenshot(page, 'chart-02-all-platforms-1400x900');
    await page.setViewportSize({ width: 900, height: 600 });
  });
  it("an X-ray of a layer that is no tar (these layers are random bytes) names the layer, and the error with its Retry fits a 900x600 window", async () => {
    await page.mouse.move(0, 0);
    await page.locator('[data-tag="1.0"]').getByRole('button', { name: '1.0', exact: true }).click();
    await page.getByRole('button', { name: 'Files', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.getByText(/not a tar archive/).waitFor();
    assert.match((await alert.textContent()) ?? '', /^\S+\/multi\/app@sha256:[0-9a-f]{64} layer [12] \([0-9a-f]{12}\): not a tar archive/); // both are random bytes: whichever is read first
    await screenshot(page, 'chart-03-xray-error-900x600');
    // The message (an image named by its digest: one long word) ran past the window, the Retry button with it.
    const [box, retry] = await Promise.all([alert.boundingBox(), alert.getByRole('button', { name: 'Retry' }).boundingBox()]);
    assert.ok(box && retry);
    assert.ok(box.x + box.width <= 900 && retry.x + retry.width <= box.x + box.width, `the error ends at ${box.x + box.width}, its Retry at ${retry.x + retry.width}`);
    const overflows = await page.evaluate<boolean>(`(() => { const el = document.querySelector('[role=alert]'); return el.scrollWidth > el.clientWidth; })()`);
    assert.equal(overflows, false, 'nothing of the message is cut');
  });
});
