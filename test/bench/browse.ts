// Browse benchmark at scale: a registry with 50,000 repositories and one repository with 150,000 tags (1,000 of them
// distinct images with their own configs). Every Stevedore figure is printed beside a plain keep-alive client doing
// the same requests with the same concurrency in the same run, and the ratio against the target.
//
// The registry's storage is seeded once through the API (many connections) and kept between runs in
// $STEVEDORE_BENCH_STORAGE (default: a directory under the temp dir); delete it to seed again.
// BENCH_REPOSITORIES / BENCH_TAGS shrink the run for a smoke test.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { MANIFEST_ACCEPT } from '../../shared/media-types.js';
import { RENDERER_DIR } from '../../electron/cli/commands/serve.js';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { mapLimit } from '../../electron/core/concurrency.js';
import { TagInfoCache } from '../../electron/core/image/tag-infos.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost } from '../../electron/web/server.js';
import { launchBrowser } from '../harness/browser.js';
import { runCli } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, imageConfig, imageManifest, mountBlob, pushBlob, pushManifest, randomLayer, seedImage } from '../harness/seed.js';

const REPOSITORIES = Number(process.env.BENCH_REPOSITORIES ?? 50_000);
const TAGS = Number(process.env.BENCH_TAGS ?? 150_000);
const SIZED = Math.min(1_000, TAGS);
const JOBS = 16;
const SEED_CONNECTIONS = 64;

export interface BrowseFigures {
  readonly rows: readonly (readonly [string, string, string, string, string])[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ours: number, theirs: number): string => `${(ours / theirs).toFixed(2)} x`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const repositoryName = (i: number): string => `team-${String(i % 100).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`;
const sizedTag = (i: number): string => `1.${Math.floor(i / 100)}.${i % 100}`;

/** Seeds the storage unless a previous run finished seeding the same shape. */
async function seed(reg: TestRegistry, storage: string, log: (line: string) => void): Promise<void> {
  const marker = join(storage, 'stevedore-bench-seeded.json');
  const shape = JSON.stringify({ repositories: REPOSITORIES, tags: TAGS, version: 1 });
  if (existsSync(marker) && (await readFile(marker, 'utf8')) === shape) {
    log(`reusing the seeded storage in ${storage}`);
    return;
  }
  log(`seeding ${REPOSITORIES.toLocaleString('en-US')} repositories and ${TAGS.toLocaleString('en-US')} tags into ${storage} (once; kept between runs)...`);
  const start = performance.now();
  const base = await seedImage(reg, 'seed/base', 'v1', { layers: [randomLayer(4096)] });
  const layer = base.layers[0]!;
  let done = 0;
  await mapLimit(
    Array.from({ length: REPOSITORIES - 2 }, (_, i) => repositoryName(i)),
    SEED_CONNECTIONS,
    async (name) => {
      await mountBlob(reg, name, 'seed/base', layer.digest);
      await mountBlob(reg, name, 'seed/base', base.config.digest);
      await pushManifest(reg, name, 'latest', base.manifest, base.mediaType);
      if (++done % 5000 === 0) log(`  ${done.toLocaleString('en-US')} repositories`);
    },
  );
  // SIZED distinct images (own config, own created date), the rest of the tags on one manifest.
  await pushBlob(reg, 'big/tags', layer);
  await pushBlob(reg, 'big/tags', base.config);
  await mapLimit(Array.from({ length: SIZED }, (_, i) => i), SEED_CONNECTIONS, async (i) => {
    const spec = { created: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(), labels: { build: String(i) } };
    const config = blobOf(imageConfig(spec, [layer]));
    await pushBlob(reg, 'big/tags', config);
    const manifest = imageManifest('docker', config, [layer]);
    await pushManifest(reg, 'big/tags', sizedTag(i), manifest.bytes, manifest.mediaType);
  });
  done = 0;
  await mapLimit(Array.from({ length: TAGS - SIZED }, (_, i) => `build-${i}`), SEED_CONNECTIONS, async (tag) => {
    await pushManifest(reg, 'big/tags', tag, base.manifest, base.mediaType);
    if (++done % 20_000 === 0) log(`  ${done.toLocaleString('en-US')} tags`);
  });
  await writeFile(marker, shape);
  log(`seeded in ${seconds(performance.now() - start)}`);
}

/** The plain client: undici keep-alive, following Link headers, nothing else. */
function plainClient(reg: TestRegistry) {
  const agent = new Agent({ connections: JOBS, keepAliveTimeout: 30_000 });
  const get = async (path: string, accept?: string): Promise<{ body: string; link?: string }> => {
    const response = await request(`${reg.url}${path}`, { dispatcher: agent, headers: accept ? { accept } : {} });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`plain client: ${path}: HTTP ${response.statusCode}`);
    const link = response.headers.link;
    return { body, ...(typeof link === 'string' ? { link } : {}) };
  };
  const walk = async (first: string, key: 'repositories' | 'tags'): Promise<number> => {
    let path: string | undefined = first;
    let count = 0;
    while (path) {
      const page = await get(path);
      count += ((JSON.parse(page.body) as Record<string, string[] | null>)[key] ?? []).length;
      path = /<([^>]+)>;\s*rel="?next"?/.exec(page.link ?? '')?.[1];
    }
    return count;
  };
  return {
    catalog: () => walk('/v2/_catalog?n=1000', 'repositories'),
    tags: (repository: string) => walk(`/v2/${repository}/tags/list?n=1000`, 'tags'),
    /** Manifest and config of each tag, JOBS at once: what a size column needs, done plainly. */
    sizes: (repository: string, tags: readonly string[]) =>
      mapLimit(tags, JOBS, async (tag) => {
        const manifest = JSON.parse((await get(`/v2/${repository}/manifests/${tag}`, MANIFEST_ACCEPT)).body) as { config: { digest: string } };
        await get(`/v2/${repository}/blobs/${manifest.config.digest}`);
      }),
    close: () => agent.close(),
  };
}

const TIME_CATALOG = (total: string): string => `(async () => {
  const button = [...document.querySelectorAll('nav button')].find((b) => b.textContent.trim() === 'Bench');
  const start = performance.now();
  let first = -1;
  const done = new Promise((resolve) => {
    const check = () => {
      if (first < 0 && document.querySelector('.repo-row')) first = performance.now() - start;
      const count = document.querySelector('.count')?.textContent ?? '';
      if (count.startsWith('${total} of ${total}') && !count.includes('loading') && !document.querySelector('.cached')) resolve(performance.now() - start);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  button.click();
  const full = await done;
  return [first, full];
})()`;

const TIME_TAGS = (total: string): string => `(async () => {
  const start = performance.now();
  return await new Promise((resolve) => {
    const check = () => {
      const count = document.querySelector('.view-head .count')?.textContent ?? '';
      if (document.querySelector('[data-tag]') && count.startsWith('${total} tags')) resolve(performance.now() - start);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
})()`;

async function uiFigures(reg: TestRegistry, work: string): Promise<{ cold: [number, number]; cached: [number, number]; tagsMs: number }> {
  await mkdir(join(work, 'data'), { recursive: true });
  await writeFile(join(work, 'data', 'registries.json'), JSON.stringify({ version: 1, profiles: [{ id: 'bench', name: 'Bench', url: reg.host, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] }] }));
  const web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache') });
  const browser = await launchBrowser();
  try {
    const total = REPOSITORIES.toLocaleString('en-US');
    const open = async (): Promise<[number, number]> => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(web.url);
      await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Bench', exact: true }).waitFor();
      const figures = await page.evaluate<[number, number]>(TIME_CATALOG(total));
      await page.close();
      return figures;
    };
    const cold = await open();
    const cached = await open();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(web.url);
    await page.getByRole('navigation', { name: 'Registries' }).getByRole('button', { name: 'Bench', exact: true }).click();
    await page.getByLabel('Filter repositories').fill('big/tags');
    const timing = page.evaluate<number>(TIME_TAGS(TAGS.toLocaleString('en-US')));
    await page.getByRole('button', { name: 'big/tags', exact: true }).click();
    const tagsMs = await timing;
    await page.close();
    return { cold, cached, tagsMs };
  } finally {
    await browser.close();
    await web.close();
  }
}

export async function browseBenchmark(log: (line: string) => void): Promise<BrowseFigures> {
  const storage = process.env.STEVEDORE_BENCH_STORAGE ?? join(tmpdir(), `stevedore-bench-browse-${REPOSITORIES}-${TAGS}`);
  await mkdir(storage, { recursive: true });
  const reg = await startRegistry('none', { storageDir: storage });
  const work = await mkdtemp(join(tmpdir(), 'stevedore-bench-browse-'));
  const env = { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cli-cache'), DOCKER_CONFIG: work };
  try {
    await seed(reg, storage, log);
    const plain = plainClient(reg);
    const rows: [string, string, string, string, string][] = [];

    // Catalog: the registry walks its storage for every page, so it sets the pace; both sides walk the same pages.
    log('catalog: plain client, then stevedore ls...');
    const plainCatalog = await timed(() => plain.catalog());
    const ls = await timed(() => runCli(['ls', reg.host], env));
    if (ls.value.code !== 0) throw new Error(`stevedore ls: ${ls.value.stderr}`);
    const listed = ls.value.stdout.trim().split('\n').length;
    if (listed !== plainCatalog.value) throw new Error(`stevedore ls listed ${listed}, the plain client ${plainCatalog.value}`);
    rows.push([`stevedore ls, ${listed.toLocaleString('en-US')} repositories`, seconds(ls.ms), seconds(plainCatalog.ms), ratio(ls.ms, plainCatalog.ms), '<= 1.3 x']);

    log('tags: plain client, then stevedore tags...');
    const plainTags = await timed(() => plain.tags('big/tags'));
    const cliTags = await timed(() => runCli(['tags', `${reg.host}/big/tags`], env));
    if (cliTags.value.code !== 0) throw new Error(`stevedore tags: ${cliTags.value.stderr}`);
    rows.push([`stevedore tags, ${plainTags.value.toLocaleString('en-US')} tags (sorted)`, seconds(cliTags.ms), seconds(plainTags.ms), ratio(cliTags.ms, plainTags.ms), '']);

    // Sizes of SIZED tags with the same concurrency: cold (nothing cached), then warm (configs cached by digest,
    // tags asked again), through the tag-summary path the app uses.
    log(`sizes of ${SIZED} tags: plain client, then stevedore cold and warm...`);
    const sized = Array.from({ length: SIZED }, (_, i) => sizedTag(i));
    const plainSizes = await timed(() => plain.sizes('big/tags', sized));
    const cache = new ContentCache(join(work, 'engine-cache'));
    const sizes = async (infos: TagInfoCache): Promise<number> => {
      const client = new RegistryClient({ registry: reg.host, cache, connections: JOBS });
      const result = await timed(() => infos.rows(client, 'big/tags', sized, { concurrency: JOBS }));
      await client.close();
      const failed = result.value.filter((r) => 'error' in r).length;
      if (failed > 0) throw new Error(`${failed} tag summaries failed`);
      return result.ms;
    };
    const cold = await sizes(new TagInfoCache());
    const warm = await sizes(new TagInfoCache());
    const held = new TagInfoCache();
    await sizes(held);
    const headOnly = await sizes(held);
    rows.push([`sizes of ${SIZED} tags, cold`, seconds(cold), seconds(plainSizes.ms), ratio(cold, plainSizes.ms), '<= 1.5 x']);
    rows.push([`sizes of ${SIZED} tags, warm (configs cached, tags asked again)`, seconds(warm), seconds(plainSizes.ms), ratio(warm, plainSizes.ms), '<= 0.6 x']);
    rows.push([`sizes of ${SIZED} tags, app host again (HEAD per tag)`, seconds(headOnly), seconds(plainSizes.ms), ratio(headOnly, plainSizes.ms), '']);
    await plain.close();

    log('UI: catalog cold and from cache, then the 150,000-tag repository...');
    const ui = await uiFigures(reg, join(work, 'ui'));
    rows.push(['UI catalog, cold: first rows', `${ui.cold[0].toFixed(0)} ms`, '', '', 'as pages arrive']);
    rows.push(['UI catalog, cold: whole list', seconds(ui.cold[1]), seconds(plainCatalog.ms), ratio(ui.cold[1], plainCatalog.ms), '<= 1.1 x']);
    rows.push(['UI catalog, from cache: first rows', `${ui.cached[0].toFixed(0)} ms`, '', '', '<= 300 ms']);
    rows.push(['UI catalog, from cache: refreshed list', seconds(ui.cached[1]), seconds(plainCatalog.ms), ratio(ui.cached[1], plainCatalog.ms), '<= 1.1 x']);
    rows.push([`UI tag list, ${TAGS.toLocaleString('en-US')} tags listed`, seconds(ui.tagsMs), seconds(plainTags.ms), ratio(ui.tagsMs, plainTags.ms), '']);
    return { rows };
  } finally {
    await closeSeeders(reg);
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
