// The docker-credential-<name> protocol: `get` with the server URL on stdin, JSON {Username, Secret} back.
// The helper is another program: its answer is bounded in size and in time, and one that will not end is killed.
import type { spawn as Spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { StevedoreError } from '../errors.js';
import { parseBoundedJson } from '../json-file.js';
import type { Credential } from './credentials.js';

const HELPER_TIMEOUT_MS = 30_000;
/**
 * An answer is `{"ServerURL","Username","Secret"}`: a few KiB even for a long token. Past this the helper is killed
 * (docker reads the answer whole, unbounded).
 */
export const MAX_HELPER_OUTPUT_BYTES = 1024 * 1024;
/** Of what it says on stderr, only the first line is shown. */
const MAX_HELPER_STDERR_BYTES = 64 * 1024;
const ANSWER_BOUNDS = { maxContainers: 100, maxCommas: 1000, maxDepth: 8 } as const;
const NOT_FOUND = /credentials not found/i;

export interface HelperOptions {
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** How long the helper may take (HELPER_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

export async function runCredentialHelper(name: string, serverUrl: string, options: HelperOptions = {}): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new StevedoreError('CONFIG', `credential helper name "${name}" is not valid`);
  const program = `docker-credential-${name}`;
  // Loaded only here: most registries need no helper, and child_process costs every command's start-up.
  const { spawn } = process.getBuiltinModule('node:child_process');
  const { code, stdout, stderr } = await run(spawn, program, ['get'], serverUrl, options);
  if (code !== 0) {
    const said = (stdout.toString('utf8').trim() || stderr.toString('utf8').trim()).split('\n')[0] ?? '';
    if (NOT_FOUND.test(said)) return undefined;
    // Helpers write their errors to stdout, where a credential also goes: a line that may be one is not quoted.
    const quotable = said !== '' && !/^\s*[{["]/.test(said) && !/secret|password|token/i.test(said);
    throw new StevedoreError('CONFIG', `${program} get failed for ${serverUrl}: ${quotable ? said.slice(0, 300) : `exit code ${code}`}`);
  }
  // The message never quotes the answer: it holds the secret.
  const parsed = parseBoundedJson(stdout, `${program} get's answer`, { ...ANSWER_BOUNDS, check: (value) => value });
  const { Username, Secret } = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof Secret !== 'string' || Secret === '') return undefined;
  const username = typeof Username === 'string' ? Username : '';
  return username === '<token>' ? { kind: 'identity-token', token: Secret } : { kind: 'basic', username, password: Secret };
}

/** Collects at most `max` bytes of a stream; says when more came. */
function collector(max: number): { add(chunk: Buffer): boolean; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk) {
      size += chunk.length;
      if (size > max) return false;
      chunks.push(chunk);
      return true;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

function run(spawn: typeof Spawn, program: string, args: readonly string[], input: string, options: HelperOptions): Promise<{ code: number; stdout: Buffer; stderr: Buffer }> {
  const timeoutMs = options.timeoutMs ?? HELPER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // SIGKILL, on abort too: a helper that ignores SIGTERM must not outlive the command that asked it.
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, signal: options.signal, killSignal: 'SIGKILL' });
    // Set first, fired later: `stop` exists by then.
    const timer = setTimeout(() => stop(new StevedoreError('CONFIG', `${program} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    // Stops the helper and lets go of its pipes: 'close' waits for every holder of them, and a child the helper
    // started may hold them forever.
    const stop = (error: unknown): void =>
      settle(() => {
        child.kill('SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
        reject(error);
      });
    const stdout = collector(MAX_HELPER_OUTPUT_BYTES);
    const stderr = collector(MAX_HELPER_STDERR_BYTES);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!stdout.add(chunk)) stop(new StevedoreError('CONFIG', `${program} answered with more than ${MAX_HELPER_OUTPUT_BYTES} bytes, far more than a credential`));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.add(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') stop(new StevedoreError('CONFIG', `credential helper ${program} is not installed or not on PATH`));
      else stop(error.name === 'AbortError' ? error : new StevedoreError('CONFIG', `cannot run ${program}: ${error.message}`));
    });
    child.on('close', (code) => settle(() => resolve({ code: code ?? 1, stdout: stdout.bytes(), stderr: stderr.bytes() })));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
