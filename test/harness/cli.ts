// Runs the built CLI as a user would: the bundle `npm run build` makes (what `stevedore` runs), in a separate node
// process with its own environment.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../app/stevedore.mjs', import.meta.url));

/** The same entry bundled as CommonJS: what bin/stevedore runs. */
export const CLI_CJS = fileURLToPath(new URL('../../app/stevedore.cjs', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** bin/stevedore, the launcher package.json names as the `stevedore` command. */
export const LAUNCHER = fileURLToPath(new URL('../../../bin/stevedore', import.meta.url));

/** Runs the CLI through the launcher, as `stevedore` on a user's PATH does. */
export function runLauncher(args: readonly string[], env: NodeJS.ProcessEnv, command = LAUNCHER): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    }).stdin?.end();
  });
}
