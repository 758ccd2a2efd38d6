// Browse benchmark: a registry with 5,000 repositories and one repository with 1,000 tags. Times listing the whole
// catalog and listing 1,000 tags with their sizes (cold and warm cache), with skopeo's figures alongside.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { mapLimit } from '../../electron/core/concurrency.js';
import { tagSummaries } from '../../electron/core/image/summary.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { run } from '../harness/exec.js';
import { startRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, imageConfig, imageManifest, mountBlob, pushBlob, pushManifest, randomLayer, seedImage } from '../harness/seed.js';

const REPOSITORIES = 5_000;
const TAGS = 1_000;
const SKOPEO_SAMPLE = 20;

export interface BrowseFigures {
  readonly rows: readonly (readonly [string, string, string, string])[];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export async function browseBenchmark(log: (line: string) => void): Promise<BrowseFigures> {
  const reg = await startRegistry('none');
  const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-bench-cache-'));
  try {
    log(`seeding ${REPOSITORIES} repositories and ${TAGS} tags through the registry API...`);
    const seedStart = performance.now();
    const base = await seedImage(reg, 'seed/base', 'v1', { layers: [randomLayer(4096)] });
    const layer = base.layers[0]!;
    const names = Array.from({ length: REPOSITORIES }, (_, i) => `team-${String(i % 50).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`);
    await mapLimit(names, 24, async (name) => {
      await mountBlob(reg, name, 'seed/base', layer.digest);
      await mountBlob(reg, name, 'seed/base', base.config.digest);
      await pushManifest(reg, name, 'latest', base.manifest, base.mediaType);
    });
    const tags = Array.from({ length: TAGS }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
    await pushBlob(reg, 'big/tags', layer);
    await mapLimit(tags, 24, async (tag, i) => {
      const repo = 'big/tags';
      const spec = { created: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), labels: { build: String(i) } };
      const config = blobOf(imageConfig(spec, [layer]));
      await pushBlob(reg, repo, config);
      const manifest = imageManifest('docker', config, [layer]);
      await pushManifest(reg, repo, tag, manifest.bytes, manifest.mediaType);
    });
    log(`seeded in ${seconds(performance.now() - seedStart)}`);

    const client = (cache?: ContentCache): RegistryClient => new RegistryClient({ registry: reg.host, ...(cache ? { cache } : {}), connections: 16 });

    const catalogClient = client();
    const catalog = await timed(() => catalogClient.listRepositories());
    await catalogClient.close();
    if (catalog.value.length !== REPOSITORIES + 2) throw new Error(`catalog listed ${catalog.value.length} repositories`);

    const withSizes = async (cache: ContentCache): Promise<number> => {
      const c = client(cache);
      const result = await timed(async () => {
        const names = await c.listTags('big/tags');
        const summaries = await tagSummaries(c, 'big/tags', names, { concurrency: 16 });
        const failed = summaries.filter((s) => 'error' in s);
        if (summaries.length !== TAGS || failed.length > 0) throw new Error(`tag summaries: ${summaries.length}, ${failed.length} failed`);
        return summaries;
      });
      await c.close();
      return result.ms;
    };
    const cache = new ContentCache(cacheDir);
    const cold = await withSizes(cache);
    const warm = await withSizes(cache);

    const skopeoTags = await timed(() => run('skopeo', ['list-tags', '--tls-verify=false', `docker://${reg.host}/big/tags`]));
    const sample = await timed(async () => {
      for (const tag of tags.slice(0, SKOPEO_SAMPLE)) await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/big/tags:${tag}`]);
    });
    const skopeoPerTag = sample.ms / SKOPEO_SAMPLE;

    return {
      rows: [
        [`catalog, ${REPOSITORIES + 2} repositories`, seconds(catalog.ms), '< 2 s', 'skopeo: no catalog command'],
        [`${TAGS} tags with sizes, cold cache`, seconds(cold), '< 3 s', `skopeo list-tags ${seconds(skopeoTags.ms)} + inspect each ≈ ${seconds(skopeoPerTag * TAGS)} (from ${SKOPEO_SAMPLE} sequential)`],
        [`${TAGS} tags with sizes, warm cache`, seconds(warm), '< 1 s', ''],
      ],
    };
  } finally {
    await closeSeeders(reg);
    await reg.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
}
