// The docker-credential-<name> protocol: `get` with the server URL on stdin, JSON {Username, Secret} back.
import type { spawn as Spawn } from 'node:child_process';
import { StevedoreError } from '../errors.js';
import type { Credential } from './credentials.js';

const HELPER_TIMEOUT_MS = 30_000;
const NOT_FOUND = /credentials not found/i;

export interface HelperOptions {
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
}

export async function runCredentialHelper(name: string, serverUrl: string, options: HelperOptions = {}): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new StevedoreError('CONFIG', `credential helper name "${name}" is not valid`);
  const program = `docker-credential-${name}`;
  // Loaded only here: most registries need no helper, and child_process costs every command's start-up.
  const { spawn } = process.getBuiltinModule('node:child_process');
  const { code, stdout, stderr } = await run(spawn, program, ['get'], serverUrl, options);
  if (code !== 0) {
    const said = (stdout.trim() || stderr.trim()).split('\n')[0] ?? '';
    if (NOT_FOUND.test(said)) return undefined;
    throw new StevedoreError('CONFIG', `${program} get failed for ${serverUrl}: ${said || `exit code ${code}`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new StevedoreError('CONFIG', `${program} get answered with something that is not JSON`);
  }
  const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || Secret === '') return undefined;
  const username = typeof Username === 'string' ? Username : '';
  return username === '<token>' ? { kind: 'identity-token', token: Secret } : { kind: 'basic', username, password: Secret };
}

function run(spawn: typeof Spawn, program: string, args: readonly string[], input: string, options: HelperOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      signal: options.signal,
      timeout: HELPER_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new StevedoreError('CONFIG', `credential helper ${program} is not installed or not on PATH`));
      else reject(error.name === 'AbortError' ? error : new StevedoreError('CONFIG', `cannot run ${program}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGTERM' && !options.signal?.aborted) reject(new StevedoreError('CONFIG', `${program} did not answer within ${HELPER_TIMEOUT_MS / 1000} s`));
      else resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
