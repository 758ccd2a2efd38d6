// X-ray benchmark: the push benchmark's ~1 GB image pushed to a local registry, then Stevedore's time to index every
// layer and print the merged tree (`stevedore files`), cold and warm cache, with the peak RSS of the process; beside
// the limit on this machine: every layer fetched, decompressed and hashed by `curl | gzip -dc | sha256sum`, two at a
// time; and a cold run with the largest layer doubled, to show memory stays flat.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../../electron/cli/format.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { buildFixture } from './fixture.js';
import { measure, type Measured } from './process-meter.js';

const CLI = fileURLToPath(new URL('../../electron/cli/main.js', import.meta.url));
const RUNS = Number(process.env.STEVEDORE_BENCH_RUNS ?? 3);

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function check(result: Measured, what: string): Measured {
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr.slice(-2000)}`);
  return result;
}

async function pushed(reg: TestRegistry, archive: string, repository: string, cacheDir: string): Promise<string[]> {
  check(await measure(process.execPath, [CLI, 'push', archive, `${reg.host}/${repository}:1`], { ...process.env, STEVEDORE_CACHE_DIR: cacheDir }), 'push');
  const client = new RegistryClient({ registry: reg.host });
  try {
    const { manifest } = await client.getManifest(repository, '1');
    return manifest.kind === 'manifest' ? manifest.layers.map((l) => l.digest) : [];
  } finally {
    await client.close();
  }
}

/** The limit: each layer fetched, gunzipped and hashed by standard tools, two at a time. */
function limitScript(reg: TestRegistry, repository: string, digests: readonly string[]): string[] {
  const urls = digests.map((d) => `http://${reg.host}/v2/${repository}/blobs/${d}`).join('\n');
  return ['-c', `printf '%s\\n' "$0" | xargs -P 2 -I URL sh -c 'curl -sf URL | gzip -dc | sha256sum'`, urls];
}

export async function xrayBenchmark(log: (line: string) => void): Promise<(readonly [string, string, string, string])[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-xraybench-'));
  const reg = await startRegistry('none');
  try {
    log('building the ~1 GB benchmark archive...');
    const fixture = await buildFixture(join(work, 'base'));
    const digests = await pushed(reg, fixture.archive, 'bench/xray', join(work, 'push-cache'));
    log(`pushed ${digests.length} layers (${fixture.layerBytes.map((b) => formatBytes(b)).join(', ')} uncompressed)`);
    const cold: Measured[] = [];
    const warm: Measured[] = [];
    const limit: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      const env = { ...process.env, STEVEDORE_CACHE_DIR: join(work, `cache-${i}`) };
      cold.push(check(await measure(process.execPath, [CLI, 'files', `${reg.host}/bench/xray:1`], env), 'stevedore files (cold)'));
      warm.push(check(await measure(process.execPath, [CLI, 'files', `${reg.host}/bench/xray:1`], env), 'stevedore files (warm)'));
      limit.push(check(await measure('bash', limitScript(reg, 'bench/xray', digests)), 'curl | gzip -dc | sha256sum'));
      log(`run ${i + 1}: cold ${seconds(cold[i]?.ms ?? 0)} (${formatBytes(cold[i]?.peakRssBytes ?? 0)}), warm ${seconds(warm[i]?.ms ?? 0)}, limit ${seconds(limit[i]?.ms ?? 0)}`);
    }
    log('building the archive with the largest layer doubled...');
    const doubled = await buildFixture(join(work, 'doubled'), 1100);
    await pushed(reg, doubled.archive, 'bench/xray-doubled', join(work, 'push-cache'));
    const big = check(await measure(process.execPath, [CLI, 'files', `${reg.host}/bench/xray-doubled:1`], { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cache-doubled') }), 'stevedore files (doubled)');

    const coldMs = median(cold.map((m) => m.ms));
    const limitMs = median(limit.map((m) => m.ms));
    return [
      ['index every layer + merged tree, cold (median)', seconds(coldMs), `<= 1.3 x the limit (${seconds(1.3 * limitMs)}): ${(coldMs / limitMs).toFixed(2)} x`, seconds(limitMs)],
      ['same, warm cache (median)', seconds(median(warm.map((m) => m.ms))), '<= 0.3 s', ''],
      ['peak RSS, cold', formatBytes(median(cold.map((m) => m.peakRssBytes))), '<= 150 MB', formatBytes(median(limit.map((m) => m.peakRssBytes)))],
      [`peak RSS, largest layer doubled (${formatBytes(doubled.layerBytes[0] ?? 0)})`, formatBytes(big.peakRssBytes), 'flat', ''],
    ];
  } finally {
    await reg.stop();
    await rm(work, { recursive: true, force: true });
  }
}
