// What every benchmark needs: medians, a command that must have succeeded, a repeat that must move nothing, and the
// environment without NODE_EXTRA_CA_CERTS.
import { fileURLToPath } from 'node:url';
import type { PushEvent } from '../../shared/push.js';

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** The result of a measured command, which must have exited 0. */
export function check<T extends { readonly code: number | null; readonly stderr: string }>(result: T, what: string): T {
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr.slice(-2000)}`);
  return result;
}

/** A repeated push or copy (`--json` output) must plan every blob as already there. */
export function assertNothingTransferred(jsonLines: string, what: string): void {
  const plan = jsonLines
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PushEvent)
    .find((event) => event.type === 'plan');
  const moved = plan?.type === 'plan' ? plan.blobs.filter((b) => b.action !== 'skip') : undefined;
  if (!moved || moved.length > 0) throw new Error(`${what} transferred ${moved ? moved.map((b) => `${b.id} (${b.action})`).join(', ') : 'without a plan'}`);
}

/** Set, Node parses this certificate file before any script runs (about 80 ms here): short runs are also timed without it. */
export const EXTRA_CA = 'NODE_EXTRA_CA_CERTS';
export const extraCaSet = (): boolean => process.env[EXTRA_CA] !== undefined;

export function withoutExtraCa(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [EXTRA_CA]: _dropped, ...rest } = env;
  return rest;
}

/**
 * The CLI bundle (STEVEDORE_BENCH_CLI names another build's), and bin/stevedore: the `stevedore` command as a user
 * runs it, which hands NODE_EXTRA_CA_CERTS to the CLI past Node's start (read on the first TLS connection instead).
 */
export const CLI_BUNDLE = process.env.STEVEDORE_BENCH_CLI ?? fileURLToPath(new URL('../../app/stevedore.mjs', import.meta.url));
export const LAUNCHER = fileURLToPath(new URL('../../../bin/stevedore', import.meta.url));

/** A stevedore command line as program and arguments: the command a user runs, or `node <bundle>` itself. */
export function stevedore(args: readonly string[], how: 'command' | 'node' = 'command'): [string, string[]] {
  return how === 'command' ? [LAUNCHER, [...args]] : [process.execPath, [CLI_BUNDLE, ...args]];
}
