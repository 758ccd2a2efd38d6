// The structured log of real authenticated pushes through the CLI (Basic and token auth): every line is JSON, the
// requests, the plan and the outcome are there, and neither the password nor any bearer token issued is.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';

type Line = Record<string, unknown>;

function jsonLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        throw new assert.AssertionError({ message: `log line ${i + 1} is not JSON: ${l}` });
      }
    });
}

const events = (lines: readonly Line[], event: string): Line[] => lines.filter((l) => l.event === event);

for (const mode of ['basic', 'token'] as const) {
  describe(`structured log of a CLI push (${mode} auth)`, () => {
    let reg: TestRegistry;
    let home: string;
    let archive: string;
    let env: NodeJS.ProcessEnv;
    const logFile = (): string => join(home, 'logs', 'push.log');
    const secrets = (): string[] => [
      ADMIN.password,
      Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64'),
      ...(reg.tokenServer?.issued ?? []),
    ];
    const assertNoSecret = (text: string): void => {
      for (const secret of secrets()) assert.ok(!text.includes(secret), `the log holds a secret (${secret.slice(0, 12)}…)`);
    };

    before(async () => {
      reg = await startRegistry(mode);
      home = await mkdtemp(join(tmpdir(), `stevedore-log-${mode}-`));
      await mkdir(join(home, 'docker'));
      archive = join(home, 'image.tar');
      const image = testImage([await layerTar(`log-${mode}-a`, 200_000), await layerTar(`log-${mode}-b`, 3_000, 'text')]);
      await writeTar(archive, legacyDockerArchive([{ image, tags: ['logged/app:1'] }]));
      env = { ...process.env, DOCKER_CONFIG: join(home, 'docker'), STEVEDORE_CACHE_DIR: join(home, 'cache'), STEVEDORE_LOG: logFile() };
    });
    after(async () => {
      await reg.stop();
      await rm(home, { recursive: true, force: true });
    });

    it('STEVEDORE_LOG: request lines, the plan and the digest, and no secret', async () => {
      const args = ['push', archive, `${reg.host}/logged/app:1`, '--username', ADMIN.username, '--password-stdin', '--chunk-size', '64k'];
      const result = await runCli(args, env, `${ADMIN.password}\n`);
      assert.equal(result.code, 0, result.stderr);
      const digest = /@(sha256:[0-9a-f]{64})/.exec(result.stdout)?.[1];
      assert.ok(digest, result.stdout);
      if (mode === 'token') assert.ok((reg.tokenServer?.issued.length ?? 0) > 0, 'the token server issued tokens');

      const text = await readFile(logFile(), 'utf8');
      assertNoSecret(text);
      const lines = jsonLines(text);
      assert.equal(events(lines, 'start')[0]?.process, 'cli push');

      const requests = events(lines, 'http');
      for (const r of requests) {
        assert.equal(typeof r.method, 'string');
        // Answered with a status, or failed with a reason (the loopback registry is tried over HTTPS first).
        assert.ok(typeof r.status === 'number' || typeof r.error === 'string', JSON.stringify(r));
        assert.equal(typeof r.ms, 'number');
        assert.match(String(r.url), /^https?:\/\/127\.0\.0\.1:\d+\//);
      }
      const seen = (method: string, path: RegExp, status: number): boolean => requests.some((r) => r.method === method && path.test(new URL(String(r.url)).pathname) && r.status === status);
      assert.ok(seen('HEAD', /\/v2\/logged\/app\/blobs\/sha256:/, 404), 'a HEAD for a blob not there yet');
      assert.ok(seen('POST', /\/v2\/logged\/app\/blobs\/uploads\/$/, 202), 'an upload started');
      assert.ok(seen('PATCH', /\/v2\/logged\/app\/blobs\/uploads\/./, 202), 'a chunk sent');
      assert.ok(seen('PUT', /\/v2\/logged\/app\/manifests\/1$/, 201), 'the manifest written');
      assert.ok(requests.some((r) => r.status === 401), 'the challenge');
      if (mode === 'token') {
        assert.ok(seen('GET', /^\/token$/, 200), 'the token request');
        const token = events(lines, 'auth.token');
        assert.ok(token.some((t) => (t.scopes as string[]).includes('repository:logged/app:push,pull')), JSON.stringify(token));
        assert.ok(token.every((t) => Object.keys(t).every((k) => k !== 'token')));
      }
      assert.ok(events(lines, 'auth.challenge').some((c) => c.scheme === (mode === 'token' ? 'bearer' : 'basic')));

      const [plan] = events(lines, 'push.plan');
      assert.equal(plan?.target, `${reg.host}/logged/app:1`);
      const blobs = plan?.blobs as { kind: string; action: string; size: number }[];
      assert.deepEqual(blobs.map((b) => `${b.kind}:${b.action}`).sort(), ['config:upload', 'layer:compress', 'layer:compress']);
      assert.ok(blobs.every((b) => b.size > 0));
      const [done] = events(lines, 'push.done');
      assert.equal(done?.digest, digest);
      assert.equal(typeof done?.ms, 'number');
    });

    it('--verbose: the same log on stderr, a second push planning every blob as skipped', async () => {
      const args = ['push', archive, `${reg.host}/logged/app:2`, '--username', ADMIN.username, '--password-stdin', '--verbose'];
      const result = await runCli(args, { ...env, STEVEDORE_LOG: '' }, `${ADMIN.password}\n`);
      assert.equal(result.code, 0, result.stderr);
      assertNoSecret(result.stderr);
      // Besides the log, stderr carries the push display's own lines.
      const lines = jsonLines(result.stderr.split('\n').filter((l) => l.startsWith('{')).join('\n'));
      assert.ok(events(lines, 'http').some((r) => r.method === 'PUT' && r.status === 201));
      const blobs = events(lines, 'push.plan')[0]?.blobs as { action: string }[];
      assert.deepEqual(blobs.map((b) => b.action), ['skip', 'skip', 'skip']);
      assert.ok(result.stdout.includes(String(events(lines, 'push.done')[0]?.digest)));
    });

    it('a failing push logs its error code, and not the wrong password', async () => {
      const wrong = 'not-alices-password-7';
      const args = ['push', archive, `${reg.host}/logged/app:3`, '--username', ADMIN.username, '--password-stdin'];
      const result = await runCli(args, { ...env, STEVEDORE_CACHE_DIR: join(home, 'cache-empty') }, `${wrong}\n`);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /\[AUTH_FAILED\]/);
      const text = await readFile(logFile(), 'utf8');
      assert.ok(!text.includes(wrong));
      assertNoSecret(text);
      const lines = jsonLines(text);
      const failed = events(lines, 'push.failed').find((l) => l.target === `${reg.host}/logged/app:3`);
      assert.equal(failed?.code, 'AUTH_FAILED');
      assert.equal(failed?.level, 'error');
      assert.ok(events(lines, 'error').some((l) => l.where === 'cli push' && l.code === 'AUTH_FAILED'));
    });
  });
}

describe('CLI log options', () => {
  it('refuses an unknown log level in one line', async () => {
    const result = await runCli(['ls', '127.0.0.1:1', '--log-level', 'loud'], process.env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^stevedore: --log-level takes debug, info, warn or error, not "loud"\n$/);
  });
});
