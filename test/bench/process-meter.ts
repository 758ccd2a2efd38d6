// Runs a command and measures its wall time and the peak RSS of its whole process tree, polled from /proc; asked
// for, also its CPU time (user + sys of it and every child it waited for) and the exact peak RSS of its largest
// process, as GNU time reports them; or only its wall and CPU time as /usr/bin/time reports them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Measured {
  readonly ms: number;
  readonly peakRssBytes: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** User + sys CPU milliseconds (with `cpu` and GNU time at /usr/bin/time). */
  readonly cpuMs?: number;
  /** The kernel's peak RSS of the largest single process (with `cpu`): exact, where polling may miss a spike. */
  readonly maxRssBytes?: number;
}

export interface MeasureOptions {
  /** Run under /usr/bin/time to get CPU time and the exact peak RSS. */
  readonly cpu?: boolean;
}

const GNU_TIME = '/usr/bin/time';

function treeRss(root: number, countRoot: boolean): number {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // gone
    }
  }
  let total = 0;
  for (const pid of parents.keys()) {
    let p: number | undefined = pid;
    let inTree = false;
    for (let depth = 0; p !== undefined && p > 1 && depth < 20; depth++) {
      if (p === root) {
        inTree = true;
        break;
      }
      p = parents.get(p);
    }
    if (!inTree || (pid === root && !countRoot)) continue;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

let reports = 0;

export function measure(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, options: MeasureOptions = {}): Promise<Measured> {
  const timed = options.cpu === true && existsSync(GNU_TIME);
  const report = join(tmpdir(), `stevedore-bench-time-${process.pid}-${reports++}.txt`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // GNU time itself (the root when timed) is not counted in the tree.
    const child = timed ? spawn(GNU_TIME, ['-f', '%U %S %M', '-o', report, program, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeRss(child.pid, !timed));
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const ms = performance.now() - start;
      let usage: { cpuMs: number; maxRssBytes: number } | undefined;
      if (timed) {
        try {
          // The last line: a failed command makes GNU time write "Command exited with non-zero status" first.
          const [user, sys, maxKb] = readFileSync(report, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
          if (user !== undefined && sys !== undefined && maxKb !== undefined) usage = { cpuMs: (user + sys) * 1000, maxRssBytes: maxKb * 1024 };
        } catch {
          // no report: the command did not start
        }
        rmSync(report, { force: true });
      }
      resolve({ ms, peakRssBytes: peak, code: code ?? 1, stdout, stderr, ...usage });
    });
  });
}

export interface Timed {
  readonly wallMs: number;
  /** User plus system CPU time of the process and the children it waited for. */
  readonly cpuMs: number;
  readonly maxRssBytes: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command under /usr/bin/time: wall and CPU time as the kernel counted them. CPU time is the steadier figure
 * on a shared machine, where wall time waits for whatever else runs.
 */
export async function timeCommand(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  const dir = await mkdtemp(join(tmpdir(), 'stevedore-time-'));
  try {
    const report = join(dir, 'time');
    const result = await measure('/usr/bin/time', ['-f', '%e %U %S %M', '-o', report, program, ...args], env);
    const [wall, user, system, rssKb] = (await readFile(report, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
    return { wallMs: (wall ?? 0) * 1000, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, maxRssBytes: (rssKb ?? 0) * 1024, code: result.code, stdout: result.stdout, stderr: result.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
