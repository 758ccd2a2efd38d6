// Browse benchmark at scale: 50,000 repositories, a repository of 150,000 tags, and 1,000 tags sized cold and warm,
// each beside a plain keep-alive client (undici Pool) doing the same registry work in the same run, and the UI's
// catalog from cold and from its cache. The registry storage is seeded once and reused (see scale-seed.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { tagSummaries } from '../../electron/core/image/summary.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { CLI } from '../harness/cli.js';
import { PlainClient } from './plain-client.js';
import { SIZES_REPOSITORY, TAGS_REPOSITORY, openScaleRegistry } from './scale-seed.js';
import { timeCatalogInUi } from './ui-catalog.js';

const PAGE_SIZE = 1000;
/** The CLI's default for sizing tags (SIZE_JOBS), used by both sides. */
const SIZE_CONCURRENCY = 16;

export interface BrowseFigures {
  readonly rows: readonly (readonly [string, string, string, string])[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ours: number, theirs: number): string => `${(ours / theirs).toFixed(2)} x`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Runs the built CLI as a user would and counts its output lines, without keeping them. */
function cliLines(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`stevedore ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

export async function browseBenchmark(log: (line: string) => void): Promise<BrowseFigures> {
  const { reg, counts } = await openScaleRegistry(log);
  const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-bench-cache-'));
  const env = { ...process.env, STEVEDORE_CACHE_DIR: cacheDir, DOCKER_CONFIG: cacheDir };
  const plain = new PlainClient(reg.url, SIZE_CONCURRENCY);
  try {
    const expect = (what: string, got: number, want: number): void => {
      if (got !== want) throw new Error(`${what}: ${got}, expected ${want}`);
    };
    log('catalog: a plain keep-alive client walks it...');
    const plainCatalog = await timed(() => plain.walkCatalog(PAGE_SIZE));
    // A cut-short seeding may have stored a little more than its progress file says: the plain client's count is the truth.
    if (plainCatalog.value < counts.repositories) throw new Error(`plain catalog: ${plainCatalog.value} of ${counts.repositories}`);
    log(`catalog: plain ${seconds(plainCatalog.ms)}; stevedore ls...`);
    const ls = await timed(() => cliLines(['ls', reg.host], env));
    expect('stevedore ls', ls.value, plainCatalog.value);
    log(`catalog: stevedore ls ${seconds(ls.ms)}`);

    const plainTags = await timed(() => plain.tags(TAGS_REPOSITORY));
    if (plainTags.value.length < counts.tags) throw new Error(`plain tags: ${plainTags.value.length} of ${counts.tags}`);
    const cliTags = await timed(() => cliLines(['tags', `${reg.host}/${TAGS_REPOSITORY}`], env));
    expect('stevedore tags', cliTags.value, plainTags.value.length);
    log(`tags: plain ${seconds(plainTags.ms)}, stevedore tags ${seconds(cliTags.ms)}`);

    const sizedTags = await plain.tags(SIZES_REPOSITORY);
    expect('sized tags', sizedTags.length, counts.sizedTags);
    const plainSizes = await timed(async () => plain.manifestsAndConfigs(SIZES_REPOSITORY, await plain.tags(SIZES_REPOSITORY), SIZE_CONCURRENCY));
    const cache = new ContentCache(cacheDir);
    const withSizes = async (): Promise<number> => {
      const client = new RegistryClient({ registry: reg.host, cache, connections: SIZE_CONCURRENCY });
      const result = await timed(async () => {
        const names = await client.listTags(SIZES_REPOSITORY);
        const summaries = await tagSummaries(client, SIZES_REPOSITORY, names, { concurrency: SIZE_CONCURRENCY });
        const failed = summaries.filter((s) => 'error' in s);
        if (summaries.length !== counts.sizedTags || failed.length > 0) throw new Error(`tag summaries: ${summaries.length}, ${failed.length} failed`);
      });
      await client.close();
      return result.ms;
    };
    const cold = await withSizes();
    const warm = await withSizes();
    log(`sizes: plain ${seconds(plainSizes.ms)}, cold ${seconds(cold)}, warm ${seconds(warm)}`);

    log('UI: the catalog in headless Chromium, cold then from its cache...');
    const ui = await timeCatalogInUi(reg.host, plainCatalog.value, log);
    const n = (count: number): string => count.toLocaleString('en-US');
    return {
      rows: [
        [`stevedore ls, ${n(plainCatalog.value)} repositories (pages of ${PAGE_SIZE})`, seconds(ls.ms), `<= 1.3 x plain (${ratio(ls.ms, plainCatalog.ms)})`, seconds(plainCatalog.ms)],
        [`stevedore tags, ${n(plainTags.value.length)} tags (one page)`, seconds(cliTags.ms), 'lists them', seconds(plainTags.ms)],
        [`${n(counts.sizedTags)} tags with sizes, cold cache (${SIZE_CONCURRENCY} at once)`, seconds(cold), `<= 1.5 x plain (${ratio(cold, plainSizes.ms)})`, seconds(plainSizes.ms)],
        [`${n(counts.sizedTags)} tags with sizes, warm cache`, seconds(warm), `<= 0.6 x plain (${ratio(warm, plainSizes.ms)})`, seconds(plainSizes.ms)],
        ['UI catalog, cold: first rows', `${ui.cold.firstRowsMs.toFixed(0)} ms`, 'as the first page comes', ''],
        ['UI catalog, cold: full list', seconds(ui.cold.fullListMs), `<= 1.1 x plain (${ratio(ui.cold.fullListMs, plainCatalog.ms)})`, seconds(plainCatalog.ms)],
        ['UI catalog, from cache: first rows', `${ui.cached.firstRowsMs.toFixed(0)} ms`, '<= 300 ms', ''],
        ['UI catalog, from cache: fresh full list', seconds(ui.cached.fullListMs), `<= 1.1 x plain (${ratio(ui.cached.fullListMs, plainCatalog.ms)})`, seconds(plainCatalog.ms)],
      ],
    };
  } finally {
    await plain.close();
    await reg.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
