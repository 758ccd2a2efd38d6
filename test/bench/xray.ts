// X-ray benchmark: the push benchmark's ~1 GB image pushed to a local registry, then Stevedore's time to index every
// layer and print the merged tree (`stevedore files`, the bundled CLI a user runs), cold and warm cache, with its CPU
// time and peak RSS; beside the limit on this machine: every layer fetched, decompressed and hashed by
// `curl | gzip -dc | sha256sum`, two at a time. Then the same image with its largest layer twice as big, cold, to show
// that memory stays flat whatever a layer's size (both peaks printed).
//
// Alone and cheaply: `npx tsc -p tsconfig.json && node build/bundle.mjs && node dist/test/bench/run.js xray` (what
// `npm run bench -- xray` runs after the full build). The registry storage holding both images is kept in
// ~/.cache/stevedore-bench/xray (STEVEDORE_BENCH_XRAY_STORAGE), so only the first run builds and pushes them;
// STEVEDORE_BENCH_RUNS sets the runs of each measure (default 3, medians reported).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../../electron/cli/format.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { buildFixture } from './fixture.js';
import { measure, type Measured } from './process-meter.js';
import { check, EXTRA_CA, extraCaSet, median, withoutExtraCa, stevedore } from './bench-common.js';

const CLI = fileURLToPath(new URL('../../app/stevedore.mjs', import.meta.url));
const RUNS = Number(process.env.STEVEDORE_BENCH_RUNS ?? 3);
const BASE = { repository: 'bench/xray', binaryMB: 550 } as const;
const DOUBLED = { repository: 'bench/xray-doubled', binaryMB: 1100 } as const;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function storageDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEVEDORE_BENCH_XRAY_STORAGE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stevedore-bench', 'xray');
}

/** The layers (digest, stored size) of `repository:1`, or undefined when it was never pushed. */
async function layersOf(reg: TestRegistry, repository: string): Promise<{ digest: string; size: number }[] | undefined> {
  const client = new RegistryClient({ registry: reg.host });
  try {
    const { manifest } = await client.getManifest(repository, '1');
    return manifest.kind === 'manifest' ? manifest.layers.map((l) => ({ digest: l.digest, size: l.size })) : undefined;
  } catch (error) {
    if (isStevedoreError(error, 'NOT_FOUND')) return undefined;
    throw error;
  } finally {
    await client.close();
  }
}

/** The image in the registry: pushed by Stevedore once (its manifest goes last, so a manifest means a whole image). */
async function ensurePushed(reg: TestRegistry, image: { repository: string; binaryMB: number }, work: string, log: (line: string) => void): Promise<{ digest: string; size: number }[]> {
  const found = await layersOf(reg, image.repository);
  if (found) return found;
  log(`building and pushing ${image.repository} (largest layer ${image.binaryMB} MB), once...`);
  const dir = join(work, image.repository.replace('/', '-'));
  try {
    const fixture = await buildFixture(dir, image.binaryMB);
    check(await measure(process.execPath, [CLI, 'push', fixture.archive, `${reg.host}/${image.repository}:1`], { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'push-cache') }), 'push');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const layers = await layersOf(reg, image.repository);
  if (!layers) throw new Error(`${image.repository}:1 is not in the registry after the push`);
  return layers;
}

/** The limit: each layer fetched, gunzipped and hashed by standard tools, two at a time. */
function limitScript(reg: TestRegistry, repository: string, digests: readonly string[]): string[] {
  const urls = digests.map((d) => `http://${reg.host}/v2/${repository}/blobs/${d}`).join('\n');
  return ['-c', `printf '%s\\n' "$0" | xargs -P 2 -I URL sh -c 'curl -sf URL | gzip -dc | sha256sum'`, urls];
}

interface Runs {
  readonly cold: Measured[];
  readonly warm: Measured[];
  readonly warmUnset: Measured[];
  readonly limit: Measured[];
}

async function runImage(reg: TestRegistry, repository: string, digests: readonly string[], work: string, warmToo: boolean, log: (line: string) => void): Promise<Runs> {
  const runs: Runs = { cold: [], warm: [], warmUnset: [], limit: [] };
  const ref = `${reg.host}/${repository}:1`;
  for (let i = 0; i < RUNS; i++) {
    const cache = join(work, `cache-${repository.replace('/', '-')}-${i}`);
    const env = { ...process.env, STEVEDORE_CACHE_DIR: cache };
    const cold = check(await measure(...stevedore(['files', ref]), env, { cpu: true }), 'stevedore files (cold)');
    runs.cold.push(cold);
    const warm = warmToo ? check(await measure(...stevedore(['files', ref]), env, { cpu: true }), 'stevedore files (warm)') : undefined;
    if (warm) runs.warm.push(warm);
    if (warm && extraCaSet()) runs.warmUnset.push(check(await measure(process.execPath, [CLI, 'files', ref], withoutExtraCa(env), { cpu: true }), 'stevedore files (warm)'));
    const limit = check(await measure('bash', limitScript(reg, repository, digests), process.env, { cpu: true }), 'curl | gzip -dc | sha256sum');
    runs.limit.push(limit);
    await rm(cache, { recursive: true, force: true });
    log(
      `${repository} run ${i + 1}: cold ${seconds(cold.ms)} wall ${seconds(cold.cpuMs ?? 0)} cpu ${mb(rss(cold))}` +
        `${warm ? `, warm ${seconds(warm.ms)} wall ${seconds(warm.cpuMs ?? 0)} cpu` : ''}, limit ${seconds(limit.ms)} wall ${seconds(limit.cpuMs ?? 0)} cpu ${mb(limit.peakRssBytes)} (load ${loadavg()[0]?.toFixed(2)})`,
    );
  }
  return runs;
}

/** Stevedore is one process (its workers are threads): the kernel's exact peak when GNU time gave it. */
const rss = (m: Measured): number => m.maxRssBytes ?? m.peakRssBytes;

export async function xrayBenchmark(log: (line: string) => void): Promise<(readonly [string, string, string, string])[]> {
  const storage = storageDir();
  await mkdir(join(storage, 'data'), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'stevedore-xraybench-'));
  const reg = await startRegistry('none', { storageDir: join(storage, 'data') });
  try {
    log(`registry storage in ${storage}`);
    const base = await ensurePushed(reg, BASE, work, log);
    const doubled = await ensurePushed(reg, DOUBLED, work, log);
    log(`${BASE.repository}: ${base.length} layers of ${base.map((l) => formatBytes(l.size)).join(', ')} stored; ${DOUBLED.repository}: ${doubled.map((l) => formatBytes(l.size)).join(', ')}`);
    const one = await runImage(reg, BASE.repository, base.map((l) => l.digest), work, true, log);
    const two = await runImage(reg, DOUBLED.repository, doubled.map((l) => l.digest), work, false, log);

    const coldMs = median(one.cold.map((m) => m.ms));
    const limitMs = median(one.limit.map((m) => m.ms));
    const cpu = (runs: readonly Measured[]): string => seconds(median(runs.map((m) => m.cpuMs ?? 0)));
    const peakOne = median(one.cold.map(rss));
    const peakTwo = median(two.cold.map(rss));
    const largest = (layers: readonly { size: number }[]): string => formatBytes(Math.max(...layers.map((l) => l.size)));
    return [
      ['index every layer + merged tree, cold (median wall)', seconds(coldMs), `<= 1.3 x the limit (${seconds(1.3 * limitMs)}): ${(coldMs / limitMs).toFixed(2)} x`, seconds(limitMs)],
      ['  CPU user+sys (median)', cpu(one.cold), '', cpu(one.limit)],
      ['same, warm cache, the stevedore command (median wall)', seconds(median(one.warm.map((m) => m.ms))), '<= 0.3 s', ''],
      ['  CPU user+sys (median)', cpu(one.warm), '', ''],
      ...(extraCaSet() ? [[`  the same, node <bundle> with ${EXTRA_CA} unset: wall, CPU`, `${seconds(median(one.warmUnset.map((m) => m.ms)))}, ${cpu(one.warmUnset)}`, '', ''] as const] : []),
      [`peak RSS, cold (largest layer ${largest(base)} stored)`, mb(peakOne), '<= 150 MB', mb(median(one.limit.map((m) => m.peakRssBytes)))],
      [`peak RSS, cold, largest layer doubled (${largest(doubled)} stored)`, mb(peakTwo), `flat, <= 150 MB: ${peakTwo >= peakOne ? '+' : ''}${mb(peakTwo - peakOne)}`, mb(median(two.limit.map((m) => m.peakRssBytes)))],
      ['  its cold time (median wall)', seconds(median(two.cold.map((m) => m.ms))), `<= 1.3 x the limit: ${(median(two.cold.map((m) => m.ms)) / median(two.limit.map((m) => m.ms))).toFixed(2)} x`, seconds(median(two.limit.map((m) => m.ms)))],
    ];
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
