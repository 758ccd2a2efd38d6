// A job (push or copy, through the engine, the CLI or the host) cancelled while the registry hangs on its tag's PUT,
// the commit point: it must end before the registry lets the PUT go, and what it reports must be true of the registry,
// then and once the registry has gone on with what it received.
// One helper for the push, copy, CLI and host tests, so they hold every edge to the same outcomes and words.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ErrorInfo, TagState } from '../../shared/errors.js';
import type { PushEvent } from '../../shared/push.js';
import { StevedoreError, isStevedoreError } from '../../electron/core/errors.js';
import { CLI } from './cli.js';
import { clientFor } from './clients.js';
import type { TestRegistry } from './registry.js';
import { startTagPutProxy, type TagPutHang } from './tag-put-proxy.js';

/**
 * What the job must say of its tag when the registry hangs that way. A registry holding the whole PUT unstored has not
 * written the tag when asked, but may yet: that is unknown, never "not written".
 */
export const TOLD: Readonly<Record<TagPutHang, TagState>> = { 'before-storing': 'unknown', 'after-storing': 'written', silent: 'unknown' };

/** The words every edge shows for each outcome (the engine's message, which the CLI and the app print as it is). */
const WORDING: Readonly<Record<TagState, RegExp>> = {
  written: /^(push|copy) cancelled after the registry wrote the tag: \S+ is (sha256:[0-9a-f]{64})$/,
  unknown: /^(push|copy) cancelled while the registry was writing the tag: whether \S+ was written is unknown \((the registry did not answer|the registry did not name it yet when asked, and may still write it)\)$/,
};

/** A job's end: the digest it wrote, or what it threw. */
export type JobOutcome = { readonly digest: string } | { readonly error: unknown };

/** A job's reported error as the engine's, for edges that report an ErrorInfo (the host's job view, the CLI's JSON). */
export function asEngineError(info: ErrorInfo): StevedoreError {
  return new StevedoreError(info.code, info.message, info.details ?? {});
}

/**
 * Runs a job through a proxy that hangs on `repository:tag`'s PUT as `hang` says, cancelling it (its signal) once the
 * PUT is in the proxy's hands. `run` gets the proxy's host and the signal, and resolves to the digest it wrote or
 * rejects with what the job reported. Checks the job ended while the PUT was still held (the old code waited for the
 * registry), CANCELLED, saying what is true of the registry, also once the proxy has let what it held go on (as a
 * registry that was only slow stores the PUT it received after the client left); returns the error for the test's own
 * checks.
 */
export async function cancelAtTagPut(reg: TestRegistry, repository: string, tag: string, hang: TagPutHang, run: (via: string, signal: AbortSignal) => Promise<{ readonly digest: string }>): Promise<StevedoreError> {
  const controller = new AbortController();
  const proxy = await startTagPutProxy(Number(reg.host.split(':')[1]), `/v2/${repository}/manifests/${tag}`, hang, () => controller.abort(new Error('user cancelled')));
  try {
    const outcome: JobOutcome = await run(proxy.host, controller.signal).then(
      (done) => ({ digest: done.digest }),
      (error: unknown) => ({ error }),
    );
    assert.ok(controller.signal.aborted, "the job never sent its tag's PUT");
    assert.equal(proxy.gaveUp, false, "the job was still waiting for the registry to answer its tag's PUT: Cancel did not end it");
    if (!('error' in outcome)) assert.fail(`cancelled at its tag's PUT, the job reported success (${outcome.digest}): it had waited for the registry's answer`);
    const { error } = outcome;
    assert.ok(isStevedoreError(error, 'CANCELLED'), String(error));
    await proxy.release();
    await assertToldTruth(reg, repository, tag, TOLD[hang], error);
    return error;
  } finally {
    await proxy.close();
  }
}

/** The error says `state`, in the shared words, with the digest when written, and the registry holds what it says. */
export async function assertToldTruth(reg: TestRegistry, repository: string, tag: string, state: TagState, error: StevedoreError): Promise<void> {
  assert.equal(error.details.tagState, state, error.message);
  const words = WORDING[state].exec(error.message);
  assert.ok(words, `"${error.message}" does not say the tag is ${state}`);
  if (state !== 'written') {
    assert.equal(error.details.digest, undefined);
    return;
  }
  const client = clientFor(reg);
  try {
    const held = await client.headManifest(repository, tag);
    assert.equal(error.details.digest, held.digest, 'the digest reported is the one the tag names');
    assert.equal(words[2], held.digest, 'the message names the digest the tag names');
  } finally {
    await client.close();
  }
}

/**
 * The command line as a job for cancelAtTagPut: `stevedore <args> --json` (`args` given the proxy's host), interrupted
 * with SIGINT (Ctrl-C) at the cancel. Resolves to the digest its `pushed` event reports, or rejects with the error its
 * `failed` event reports, once it has checked the command exited 130 and its last line on stderr says the same words.
 */
export function cliJob(args: (via: string) => readonly string[], env: NodeJS.ProcessEnv): (via: string, signal: AbortSignal) => Promise<{ readonly digest: string }> {
  return async (via, signal) => {
    const child = spawn(process.execPath, [CLI, ...args(via), '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // 'close': the process has exited and its output has been read whole.
    const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    const stuck = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const settled = (): void => clearTimeout(stuck);
    closed.then(settled, settled);
    const interrupt = (): void => void child.kill('SIGINT');
    if (signal.aborted) interrupt();
    else signal.addEventListener('abort', interrupt, { once: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await closed;
    const events = stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as PushEvent);
    for (const event of events) if (event.type === 'pushed' && code === 0) return { digest: event.digest };
    const failed = events.find((event) => event.type === 'failed');
    if (failed?.type !== 'failed') throw new Error(`stevedore ${args(via).join(' ')} exited ${String(code)} reporting no outcome: ${stderr}`);
    assert.equal(code, 130, 'an interrupted command exits 130');
    // The terminal says what the JSON (and the app) says, in the same words.
    assert.equal(stderr.trim().split('\n').at(-1), `stevedore: ${failed.error.message} [${failed.error.code}]`);
    throw asEngineError(failed.error);
  };
}
