import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fileDestination } from '../../electron/core/log-destination.js';
import { logError, logEvent, resetLog } from '../../electron/core/log.js';
import { configureLog } from '../../electron/core/log-writer.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';

function memory(): { lines: () => Record<string, unknown>[]; write: (line: string) => void } {
  const written: string[] = [];
  return { write: (line) => void written.push(line), lines: () => written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('structured log', () => {
  afterEach(() => resetLog());

  it('writes nothing until configured', () => {
    const sink = memory();
    logEvent('http', { method: 'GET', url: 'http://h/v2/', status: 200, ms: 1, attempt: 1 });
    configureLog(sink);
    resetLog();
    logEvent('http', { method: 'GET', url: 'http://h/v2/', status: 200, ms: 1, attempt: 1 });
    assert.deepEqual(sink.lines(), []);
  });

  it('writes one JSON object per line with level, time and event, and honours the level', () => {
    const sink = memory();
    configureLog(sink, 'warn');
    logEvent('http', { method: 'GET', url: 'http://h/v2/', status: 200, ms: 1, attempt: 1 });
    logError('cli push', { code: 'AUTH_FAILED', message: 'refused', details: { status: 401, url: 'http://h/v2/' } });
    const lines = sink.lines();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.event, 'error');
    assert.equal(lines[0]?.level, 'error');
    assert.equal(lines[0]?.code, 'AUTH_FAILED');
    assert.equal(lines[0]?.status, 401);
    assert.match(String(lines[0]?.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('passes every record through the redaction step, whatever field a secret is in', () => {
    const sink = memory();
    configureLog(sink, 'debug');
    const fields = { method: 'GET', url: 'https://bob:pw1@h/token?account=bob&password=pw2', status: 200, ms: 5, attempt: 1, error: 'Bearer eyJhbGciOi.eyJzdWIiOi.sig' };
    logEvent('http', { ...fields, ...{ headers: { authorization: 'Basic cHczOnB3Mw==' }, token: 'pw4' } });
    logError('contract registries:save', { code: 'REGISTRY_ERROR', message: 'said {"access_token":"pw5"} and secret=pw6' });
    const text = sink.lines().map((l) => JSON.stringify(l)).join('\n');
    for (const secret of ['pw1', 'pw2', 'cHczOnB3Mw==', 'pw4', 'pw5', 'pw6', 'eyJzdWIiOi']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.ok(text.includes('account=bob'));
  });

  it('writes files its owner alone can read, and rotates a host log past its limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stevedore-log-'));
    try {
      const path = join(dir, 'sub', 'stevedore.log');
      configureLog(fileDestination(path));
      logEvent('start', { process: 'test', version: '0', node: process.versions.node, platform: process.platform });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      await writeFile(path, 'x'.repeat(2000));
      configureLog(fileDestination(path, { rotateAtBytes: 1000 }));
      logEvent('start', { process: 'again', version: '0', node: process.versions.node, platform: process.platform });
      assert.equal((await readFile(`${path}.1`, 'utf8')).length, 2000);
      assert.equal(JSON.parse(await readFile(path, 'utf8')).process, 'again');
      assert.throws(() => fileDestination(dir), /cannot write the log file/);
      // The reason in words, not "ENOTDIR: not a directory, mkdir '...'" or "EEXIST: file already exists, mkdir '...'".
      for (const underAFile of [join(path, 'stevedore.log'), join(path, 'deeper', 'stevedore.log')]) {
        assert.throws(() => fileDestination(underAFile), (e: unknown) => e instanceof Error && e.message === `cannot write the log file ${underAFile}: a part of its folder's path is a file, not a folder`);
      }
    } finally {
      resetLog();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a background log file (the hosts) keeps every line when the process exits at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stevedore-log-exit-'));
    try {
      const path = join(dir, 'host.log');
      const script = `
        const { logEvent } = await import(${JSON.stringify(new URL('../../electron/core/log.js', import.meta.url).href)});
        const { configureLog } = await import(${JSON.stringify(new URL('../../electron/core/log-writer.js', import.meta.url).href)});
        const { fileDestination } = await import(${JSON.stringify(new URL('../../electron/core/log-destination.js', import.meta.url).href)});
        configureLog(fileDestination(${JSON.stringify(path)}, { background: true }));
        for (let i = 0; i < 500; i++) logEvent('http', { method: 'GET', url: 'http://h/' + i, status: 200, ms: 1, attempt: 1 });
        process.exit(0);`;
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
      assert.equal((await readFile(path, 'utf8')).trim().split('\n').length, 500);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a command that logs nowhere loads none of the log writer (pino); one that logs loads it', async () => {
    const logging = JSON.stringify(new URL('../../electron/cli/logging.js', import.meta.url).href);
    const script = (verbose: boolean): string => `
      import { createRequire } from 'node:module';
      const { startCliLog } = await import(${logging});
      const where = await startCliLog({ verbose: ${verbose}, version: '0', command: 'push' }, {});
      const pino = Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\/]node_modules[\\/]pino[\\/]/.test(path));
      process.stdout.write(JSON.stringify({ where: where ?? null, pino }));`;
    const run = async (verbose: boolean): Promise<unknown> => JSON.parse((await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(verbose)], { timeout: 30_000 })).stdout);
    assert.deepEqual(await run(false), { where: null, pino: false });
    assert.deepEqual(await run(true), { where: 'stderr', pino: true });
  });

  it('logs every failed contract request with its code, at the host edge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stevedore-log-host-'));
    const host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    try {
      const sink = memory();
      configureLog(sink);
      await host.handle('nope:never', {});
      await host.handle('archive:inspect', { path: join(dir, 'missing.tar') });
      await host.handle('push:list', {});
      const lines = sink.lines();
      assert.deepEqual(
        lines.map((l) => [l.event, l.where, l.code]),
        [
          ['error', 'contract nope:never', 'INVALID_ARGUMENT'],
          ['error', 'contract archive:inspect', 'INVALID_ARGUMENT'],
        ],
      );
    } finally {
      resetLog();
      await host.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
