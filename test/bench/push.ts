// Push benchmark: the ~1 GB docker-archive pushed to a fresh local registry by Stevedore and by skopeo, alternating,
// several runs; medians of wall time, peak RSS of the process tree and pushed (compressed) size; then a second push
// of the same archive, and a run with the largest layer doubled to show memory stays flat.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSummary } from '../../electron/core/image/summary.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { openGzipEngine } from '../../electron/core/workers/gzip-engine.js';
import { formatBytes } from '../../electron/cli/format.js';
import { startRegistry } from '../harness/registry.js';
import { buildFixture } from './fixture.js';
import { measure } from './process-meter.js';
import { assertNothingTransferred, check, median, stevedore } from './bench-common.js';

const RUNS = Number(process.env.STEVEDORE_BENCH_RUNS ?? 3);

async function pushedSize(host: string, repository: string): Promise<number> {
  const client = new RegistryClient({ registry: host });
  try {
    return (await imageSummary(client, { registry: host, repository, tag: '1' })).totalSize;
  } finally {
    await client.close();
  }
}

interface Run {
  readonly ms: number;
  readonly rss: number;
  readonly size: number;
}

/**
 * One first push compressed by the zlib fallback (STEVEDORE_GZIP=zlib), what runs where the addon was not built. It
 * runs in each round beside skopeo's, as ours does: skopeo's own time drifts by a quarter over a sitting (8.9 to
 * 11.8 s), so runs made after all of skopeo's compared with a different machine.
 */
async function zlibFallbackRun(archive: string, work: string, i: number, log: (line: string) => void): Promise<Run> {
  const reg = await startRegistry('none');
  try {
    const env = { ...process.env, STEVEDORE_GZIP: 'zlib', STEVEDORE_CACHE_DIR: join(work, `cache-zlib-${i}`) };
    const result = check(await measure(...stevedore(['push', archive, `${reg.host}/bench/zlib:1`]), env), 'stevedore push (zlib)');
    log(`run ${i + 1}: stevedore on zlib ${(result.ms / 1000).toFixed(2)} s, ${formatBytes(result.peakRssBytes)} RSS`);
    return { ms: result.ms, rss: result.peakRssBytes, size: await pushedSize(reg.host, 'bench/zlib') };
  } finally {
    await reg.stop();
  }
}

function zlibRows(zlib: readonly Run[], skopeo: readonly Run[]): (readonly [string, string, string, string])[] {
  const ms = median(zlib.map((r) => r.ms));
  const skopeoMs = median(skopeo.map((r) => r.ms));
  const size = median(zlib.map((r) => r.size));
  return [
    ['zlib fallback: first push, wall time', `${(ms / 1000).toFixed(2)} s`, `<= 1.0 x skopeo: ${(ms / skopeoMs).toFixed(2)} x`, `${(skopeoMs / 1000).toFixed(2)} s`],
    ['zlib fallback: pushed size', formatBytes(size), `<= 1.05 x skopeo: ${(size / median(skopeo.map((r) => r.size))).toFixed(3)} x`, ''],
    ['zlib fallback: peak RSS, process tree', formatBytes(median(zlib.map((r) => r.rss))), '<= 150 MB', ''],
  ];
}

export async function pushBenchmark(log: (line: string) => void): Promise<(readonly [string, string, string, string])[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-pushbench-'));
  try {
    const engine = openGzipEngine();
    log(`compressing with ${engine.name}`);
    await engine.close();
    log('building the ~1 GB benchmark archive...');
    const fixture = await buildFixture(join(work, 'base'));
    log(`archive layers: ${fixture.layerBytes.map((b) => formatBytes(b)).join(', ')}`);
    const ours: { ms: number; rss: number; size: number; again: number }[] = [];
    const theirs: { ms: number; rss: number; size: number }[] = [];
    const zlib: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      {
        const reg = await startRegistry('none');
        const cache = join(work, `cache-${i}`);
        const env = { ...process.env, STEVEDORE_CACHE_DIR: cache };
        const first = check(await measure(...stevedore(['push', fixture.archive, `${reg.host}/bench/stevedore:1`]), env), 'stevedore push');
        const again = check(await measure(...stevedore(['push', '--json', fixture.archive, `${reg.host}/bench/stevedore:1`]), env), 'stevedore push again');
        assertNothingTransferred(again.stdout, 'the repeated run');
        ours.push({ ms: first.ms, rss: first.peakRssBytes, size: await pushedSize(reg.host, 'bench/stevedore'), again: again.ms });
        log(`run ${i + 1}: stevedore ${(first.ms / 1000).toFixed(2)} s, ${formatBytes(first.peakRssBytes)} RSS; again ${(again.ms / 1000).toFixed(2)} s`);
        await reg.stop();
      }
      {
        const reg = await startRegistry('none');
        const result = check(await measure('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixture.archive}`, `docker://${reg.host}/bench/skopeo:1`]), 'skopeo copy');
        theirs.push({ ms: result.ms, rss: result.peakRssBytes, size: await pushedSize(reg.host, 'bench/skopeo') });
        log(`run ${i + 1}: skopeo ${(result.ms / 1000).toFixed(2)} s, ${formatBytes(result.peakRssBytes)} RSS`);
        await reg.stop();
      }
      zlib.push(await zlibFallbackRun(fixture.archive, work, i, log));
    }
    log('building the archive with the largest layer doubled...');
    const doubled = await buildFixture(join(work, 'doubled'), 1100);
    const reg = await startRegistry('none');
    const big = check(await measure(...stevedore(['push', doubled.archive, `${reg.host}/bench/doubled:1`]), { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cache-doubled') }), 'stevedore push (doubled)');
    await reg.stop();

    const ms = median(ours.map((r) => r.ms));
    const skopeoMs = median(theirs.map((r) => r.ms));
    const size = median(ours.map((r) => r.size));
    const skopeoSize = median(theirs.map((r) => r.size));
    const rss = median(ours.map((r) => r.rss));
    return [
      ['first push, wall time (median)', `${(ms / 1000).toFixed(2)} s`, `<= 0.8 x skopeo (${((0.8 * skopeoMs) / 1000).toFixed(2)} s): ${(ms / skopeoMs).toFixed(2)} x`, `${(skopeoMs / 1000).toFixed(2)} s`],
      ['pushed size, compressed', formatBytes(size), `<= 1.05 x skopeo: ${(size / skopeoSize).toFixed(3)} x`, formatBytes(skopeoSize)],
      ['peak RSS, process tree', formatBytes(rss), '<= 120 MB', formatBytes(median(theirs.map((r) => r.rss)))],
      ...zlibRows(zlib, theirs),
      [`peak RSS, largest layer doubled (${formatBytes(doubled.layerBytes[0] ?? 0)})`, formatBytes(big.peakRssBytes), 'flat', ''],
      ['same archive again (the stevedore command)', `${(median(ours.map((r) => r.again)) / 1000).toFixed(2)} s`, '<= 0.2 s, nothing compressed or uploaded', ''],
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
