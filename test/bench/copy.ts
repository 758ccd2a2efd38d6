// Copy and export benchmark: the push benchmark's ~1 GB image in a local registry, copied to a fresh second local
// registry by Stevedore and by `skopeo copy docker://... docker://...`, alternating, several runs; then exported to
// a docker-archive by both. Medians of wall time and peak RSS of the process tree, and a repeated copy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../../electron/cli/format.js';
import { run } from '../harness/exec.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { buildFixture } from './fixture.js';
import { measure, type Measured } from './process-meter.js';
import { assertNothingTransferred, check, EXTRA_CA, extraCaSet, median, withoutExtraCa, stevedore } from './bench-common.js';

// The bundle users run, as the push benchmark measures it.
const CLI = fileURLToPath(new URL('../../app/stevedore.mjs', import.meta.url));
const RUNS = Number(process.env.STEVEDORE_BENCH_RUNS ?? 3);

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function copyBenchmark(log: (line: string) => void): Promise<(readonly [string, string, string, string])[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-copybench-'));
  const source = await startRegistry('none');
  try {
    log('building the ~1 GB benchmark image...');
    const fixture = await buildFixture(join(work, 'base'));
    // skopeo gzips the layers on the way in: the source holds what a registry usually holds.
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${fixture.archive}`, `docker://${source.host}/bench/app:1`], { timeoutMs: 900_000 });
    const from = `${source.host}/bench/app:1`;
    const env = { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cache') };
    const ours: { copy: Measured; cpu: CopyCpu; again: Measured; againUnset?: Measured; save: Measured }[] = [];
    const theirs: { copy: Measured; cpu: CopyCpu; save: Measured }[] = [];
    for (let i = 0; i < RUNS; i++) {
      {
        const target = await startRegistry('none');
        const before = registriesCpu(source, target);
        const copy = check(await measure(...stevedore(['copy', from, `${target.host}/bench/app:1`]), env, { cpu: true }), 'stevedore copy');
        const cpu = copyCpu(copy, before, registriesCpu(source, target));
        const again = check(await measure(...stevedore(['copy', '--json', from, `${target.host}/bench/app:1`]), env), 'stevedore copy again');
        assertNothingTransferred(again.stdout, 'the repeated run');
        const againUnset = extraCaSet() ? check(await measure(process.execPath, [CLI, 'copy', from, `${target.host}/bench/app:1`], withoutExtraCa(env)), 'stevedore copy again') : undefined;
        await target.stop();
        const file = join(work, `stevedore-${i}.tar`);
        const save = check(await measure(...stevedore(['pull', from, file]), env), 'stevedore pull');
        await rm(file, { force: true });
        ours.push({ copy, cpu, again, save, ...(againUnset ? { againUnset } : {}) });
        log(`run ${i + 1}: stevedore copy ${seconds(copy.ms)} (${formatBytes(copy.peakRssBytes)}; cpu ${describeCpu(cpu)}), again ${seconds(again.ms)}, export ${seconds(save.ms)} (${formatBytes(save.peakRssBytes)})`);
      }
      {
        const target = await startRegistry('none');
        const before = registriesCpu(source, target);
        const copy = check(await measure('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${from}`, `docker://${target.host}/bench/app:1`], process.env, { cpu: true }), 'skopeo copy');
        const cpu = copyCpu(copy, before, registriesCpu(source, target));
        await target.stop();
        const file = join(work, `skopeo-${i}.tar`);
        const save = check(await measure('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${from}`, `docker-archive:${file}:bench/app:1`]), 'skopeo copy to docker-archive');
        await rm(file, { force: true });
        theirs.push({ copy, cpu, save });
        log(`run ${i + 1}: skopeo copy ${seconds(copy.ms)} (${formatBytes(copy.peakRssBytes)}; cpu ${describeCpu(cpu)}), export ${seconds(save.ms)} (${formatBytes(save.peakRssBytes)})`);
      }
    }
    const ms = (list: readonly Measured[]): number => median(list.map((m) => m.ms));
    const rss = (list: readonly Measured[]): number => median(list.map((m) => m.peakRssBytes));
    const copyMs = ms(ours.map((r) => r.copy));
    const skopeoCopyMs = ms(theirs.map((r) => r.copy));
    const saveMs = ms(ours.map((r) => r.save));
    const skopeoSaveMs = ms(theirs.map((r) => r.save));
    const cpuRow = (runs: readonly { cpu: CopyCpu }[]): string => describeCpu(medianCpu(runs.map((r) => r.cpu)));
    return [
      ['copy, wall time (median)', seconds(copyMs), `<= 0.8 x skopeo (${seconds(0.8 * skopeoCopyMs)}): ${(copyMs / skopeoCopyMs).toFixed(2)} x`, seconds(skopeoCopyMs)],
      ['copy, CPU: client + source + destination registry (median)', cpuRow(ours), 'sum / 2 cores: the wall time no schedule beats', cpuRow(theirs)],
      ['copy, peak RSS (process tree)', formatBytes(rss(ours.map((r) => r.copy))), '<= 150 MB', formatBytes(rss(theirs.map((r) => r.copy)))],
      ['same copy again (the stevedore command)', seconds(ms(ours.map((r) => r.again))), '<= 0.3 s, nothing transferred', ''],
      ...(extraCaSet() ? [[`  the same, node <bundle> with ${EXTRA_CA} unset`, seconds(ms(ours.flatMap((r) => (r.againUnset ? [r.againUnset] : [])))), '', ''] as const] : []),
      ['export to docker-archive, wall time (median)', seconds(saveMs), `<= 0.8 x skopeo (${seconds(0.8 * skopeoSaveMs)}): ${(saveMs / skopeoSaveMs).toFixed(2)} x`, seconds(skopeoSaveMs)],
      ['export, peak RSS (process tree)', formatBytes(rss(ours.map((r) => r.save))), '<= 150 MB', formatBytes(rss(theirs.map((r) => r.save)))],
    ];
  } finally {
    await source.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Where a copy's CPU goes: the client's (GNU time), and what each registry process spent meanwhile. On this machine's
 * two cores their sum over two is a floor under the wall time, whatever the client schedules.
 */
interface CopyCpu {
  readonly client: number;
  readonly source: number;
  readonly target: number;
}

function registriesCpu(source: TestRegistry, target: TestRegistry): { source: number; target: number } {
  return { source: source.cpuSeconds() ?? Number.NaN, target: target.cpuSeconds() ?? Number.NaN };
}

function copyCpu(copy: Measured, before: { source: number; target: number }, after: { source: number; target: number }): CopyCpu {
  return { client: (copy.cpuMs ?? Number.NaN) / 1000, source: after.source - before.source, target: after.target - before.target };
}

function medianCpu(runs: readonly CopyCpu[]): CopyCpu {
  return { client: median(runs.map((r) => r.client)), source: median(runs.map((r) => r.source)), target: median(runs.map((r) => r.target)) };
}

function describeCpu(cpu: CopyCpu): string {
  const sum = cpu.client + cpu.source + cpu.target;
  return `${cpu.client.toFixed(2)} + ${cpu.source.toFixed(2)} + ${cpu.target.toFixed(2)} = ${sum.toFixed(2)} s (/ 2 = ${(sum / 2).toFixed(2)} s)`;
}
