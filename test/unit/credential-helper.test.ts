// A docker-credential-* helper is another program: what it answers is bounded in size and structure, and how long it
// takes in time, even when it ignores SIGTERM or leaves a child holding its output open.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_HELPER_OUTPUT_BYTES, runCredentialHelper } from '../../electron/core/auth/credential-helper.js';
import { isStevedoreError } from '../../electron/core/errors.js';

describe('credential helper bounds', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-helper-'));
    env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const helper = async (name: string, body: string): Promise<void> => {
    const path = join(dir, `docker-credential-${name}`);
    await writeFile(path, `#!/bin/sh\nread -r server\n${body}\n`);
    await chmod(path, 0o755);
  };
  /** Fails the test, rather than hanging it, when the helper's run does not end within `ms`. */
  const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms).unref())]);

  it('answers as before when the helper answers', async () => {
    await helper('fine', `printf '{"ServerURL":"%s","Username":"ann","Secret":"s3cret"}' "$server"`);
    assert.deepEqual(await runCredentialHelper('fine', 'r.example', { env }), { kind: 'basic', username: 'ann', password: 's3cret' });
  });

  it('a failing helper is quoted when it says what went wrong, never when its line may be a credential', async () => {
    await helper('locked', 'echo "the keychain is locked"; exit 1');
    await assert.rejects(runCredentialHelper('locked', 'r.example', { env }), { message: 'docker-credential-locked get failed for r.example: the keychain is locked' });
    await helper('oops', `printf '{"ServerURL":"%s","Username":"ann","Secret":"hunter2"}' "$server"; exit 1`);
    await assert.rejects(runCredentialHelper('oops', 'r.example', { env }), { message: 'docker-credential-oops get failed for r.example: exit code 1' });
    await helper('plain', 'echo "password=hunter2"; exit 3');
    await assert.rejects(runCredentialHelper('plain', 'r.example', { env }), { message: 'docker-credential-plain get failed for r.example: exit code 3' });
    await helper('missing', 'echo "credentials not found in native keychain"; exit 1');
    assert.equal(await runCredentialHelper('missing', 'r.example', { env }), undefined);
  });

  it('stops a helper that answers without end, past the bound, with CONFIG', async () => {
    await helper('endless', 'exec yes \'{"Username":"x","Secret":"y"}\'');
    await assert.rejects(within(20_000, runCredentialHelper('endless', 'r.example', { env })), (e: unknown) => {
      assert.ok(isStevedoreError(e, 'CONFIG'), String(e));
      assert.equal(e.message, `docker-credential-endless answered with more than ${MAX_HELPER_OUTPUT_BYTES} bytes, far more than a credential`);
      return true;
    });
  });

  it('kills a helper that ignores SIGTERM and leaves a child holding its output, at the deadline', async () => {
    // The shell ignores SIGTERM and waits for a sleep that holds its stdout: 'close' would wait for both.
    await helper('stuck', "trap '' TERM\nsleep 20");
    await assert.rejects(within(15_000, runCredentialHelper('stuck', 'r.example', { env, timeoutMs: 1000 })), (e: unknown) => {
      assert.ok(isStevedoreError(e, 'CONFIG'), String(e));
      assert.equal(e.message, 'docker-credential-stuck did not answer within 1 s');
      return true;
    });
  });

  it('refuses an answer of far more structure than a credential before parsing it, quoting none of it', async () => {
    await helper('bomb', `printf '['; i=0; while [ $i -lt 2000 ]; do printf '[],'; i=$((i+1)); done; printf '"hunter2"]'`);
    await assert.rejects(runCredentialHelper('bomb', 'r.example', { env }), (e: unknown) => {
      assert.ok(isStevedoreError(e, 'CONFIG'), String(e));
      assert.match(e.message, /^docker-credential-bomb get's answer holds more than 100 objects and arrays/);
      assert.ok(!e.message.includes('hunter2'));
      return true;
    });
  });
});
