// Short commands: how long the CLI takes when there is next to nothing to do. `--version` beside a bare `node -e 0`;
// a push of a small docker-archive whose blobs the registry already holds, and a repeated copy, beside skopeo doing
// the same. Medians of wall and CPU time (user + system) over several runs.
// Where the environment sets NODE_EXTRA_CA_CERTS, Node itself parses that certificate file before any script runs
// (about 80 ms on a 2-core machine): the `stevedore` command (bin/stevedore) hands the file over to be read on the first
// TLS connection instead. Our figures are the command as a user runs it, then `node <bundle>` with the variable set
// (paying that parse) and unset.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { startRegistry } from '../harness/registry.js';
import { timeCommand, type Timed } from './process-meter.js';
import { assertNothingTransferred, check, CLI_BUNDLE as CLI, EXTRA_CA, extraCaSet, median, stevedore, withoutExtraCa } from './bench-common.js';

const RUNS = Number(process.env.STEVEDORE_BENCH_RUNS ?? 7);

type Row = readonly [string, string, string, string];

async function repeat(what: string, program: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ wall: number; cpu: number }> {
  const runs: Timed[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(check(await timeCommand(program, args, env), what));
  return { wall: median(runs.map((r) => r.wallMs)), cpu: median(runs.map((r) => r.cpuMs)) };
}

const figures = (t: { wall: number; cpu: number }): string => `${(t.wall / 1000).toFixed(2)} s (${(t.cpu / 1000).toFixed(2)} s CPU)`;

export async function startupBenchmark(log: (line: string) => void): Promise<Row[]> {
  const work = await mkdtemp(join(tmpdir(), 'stevedore-startbench-'));
  const source = await startRegistry('none');
  const target = await startRegistry('none');
  const bothWays = extraCaSet();
  try {
    const env = { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cache') };
    const image = testImage([await layerTar('base', 2_000_000), await layerTar('app', 500_000, 'text'), await layerTar('conf', 4_000, 'text')]);
    const archive = join(work, 'small.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['bench/small:1'] }]));
    const ours = `${source.host}/bench/small:1`;
    check(await timeCommand(process.execPath, [CLI, 'push', archive, ours], env), 'stevedore push');
    assertNothingTransferred(check(await timeCommand(process.execPath, [CLI, 'push', '--json', archive, ours], env), 'stevedore push again').stdout, 'the second push');
    const copyArgs = [CLI, 'copy', ours, `${target.host}/bench/small:1`];
    check(await timeCommand(process.execPath, copyArgs, env), 'stevedore copy');
    assertNothingTransferred(check(await timeCommand(process.execPath, [CLI, 'copy', '--json', ...copyArgs.slice(2)], env), 'stevedore copy again').stdout, 'the repeated copy');

    const ourRuns = async (runEnv: NodeJS.ProcessEnv, label: string, how: 'command' | 'node'): Promise<Row[]> => {
      const node = await repeat('node -e 0', process.execPath, ['-e', '0'], runEnv);
      const version = await repeat('stevedore --version', ...stevedore(['--version'], how), runEnv);
      const push = await repeat('stevedore push again', ...stevedore(['push', archive, ours], how), runEnv);
      const copy = await repeat('stevedore copy again', ...stevedore(copyArgs.slice(1), how), runEnv);
      log(`${label}: --version ${figures(version)}, node -e 0 ${figures(node)}; push again ${figures(push)}; copy again ${figures(copy)}`);
      return [
        [`--version${label ? ` (${label})` : ''}`, figures(version), `< 0.1 s (node -e 0: ${figures(node)})`, ''],
        [`push again, every blob already there${label ? ` (${label})` : ''}`, figures(push), '<= 0.2 s', ''],
        [`copy again, everything already there${label ? ` (${label})` : ''}`, figures(copy), '<= 0.3 s', ''],
      ];
    };
    const asGiven = await ourRuns(env, bothWays ? `stevedore command, ${EXTRA_CA} set` : '', 'command');
    const direct = bothWays ? await ourRuns(env, `node <bundle>, ${EXTRA_CA} set`, 'node') : [];
    const unset = bothWays ? await ourRuns(withoutExtraCa(env), `node <bundle>, ${EXTRA_CA} unset`, 'node') : [];

    const skopeoPushArgs = ['copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${source.host}/bench/skopeo:1`];
    check(await timeCommand('skopeo', skopeoPushArgs), 'skopeo copy');
    const skopeoPush = await repeat('skopeo copy again', 'skopeo', skopeoPushArgs);
    const skopeoCopyArgs = ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${ours}`, `docker://${target.host}/bench/skopeo:1`];
    check(await timeCommand('skopeo', skopeoCopyArgs), 'skopeo copy');
    const skopeoCopy = await repeat('skopeo copy again', 'skopeo', skopeoCopyArgs);
    log(`skopeo: push again ${figures(skopeoPush)}; copy again ${figures(skopeoCopy)}`);
    const withSkopeo = (rows: Row[]): Row[] =>
      rows.map((row, i) => (i === 1 ? [row[0], row[1], row[2], figures(skopeoPush)] : i === 2 ? [row[0], row[1], row[2], figures(skopeoCopy)] : row));
    return [...withSkopeo(asGiven), ...withSkopeo(direct), ...withSkopeo(unset)];
  } finally {
    await Promise.all([source.stop(), target.stop()]);
    await rm(work, { recursive: true, force: true });
  }
}
