// Runs a command and measures its wall time and the peak RSS of its whole process tree, polled from /proc; or its wall
// and CPU time as /usr/bin/time reports them.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
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
}

function treeRss(root: number): number {
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
    if (!inTree) continue;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

export function measure(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let peak = 0;
    const timer = setInterval(() => {
      if (child.pid) peak = Math.max(peak, treeRss(child.pid));
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - start, peakRssBytes: peak, code: code ?? 1, stdout, stderr });
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
