// The read-only CLI against the real registry in every mode, credentials from docker config and a helper.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageDetails, TagSummary } from '../../electron/core/image/summary.js';
import { runCli } from '../harness/cli.js';
import { writeCredentialHelper } from '../harness/credential-helper.js';
import { freePort } from '../harness/ports.js';
import { ADMIN, ALL_MODES, startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, seedIndex, type SeededImage } from '../harness/seed.js';

for (const mode of ALL_MODES) {
  describe(`CLI (${mode})`, () => {
    let reg: TestRegistry;
    let home: string;
    let env: NodeJS.ProcessEnv;
    let tls: string[];
    let image: SeededImage;

    before(async () => {
      reg = await startRegistry(mode);
      home = await mkdtemp(join(tmpdir(), `stevedore-cli-${mode}-`));
      image = await seedImage(reg, 'web/frontend', '2.0', { created: '2026-02-03T04:05:06Z', cmd: ['nginx', '-g', 'daemon off;'] });
      await seedImage(reg, 'web/frontend', '2.1');
      const shared = randomLayer(5000);
      await seedIndex(reg, 'tools', 'multi', [
        { architecture: 'amd64', layers: [shared] },
        { architecture: 'arm64', layers: [shared, randomLayer(100)] },
      ]);
      // basic: inline auths; token: a credential helper, as Docker Desktop sets it up.
      const config: Record<string, unknown> = {};
      if (mode === 'basic') config.auths = { [reg.host]: { auth: Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64') } };
      if (mode === 'token') {
        await writeCredentialHelper(home, 'stevedoretest', { [reg.host]: [ADMIN.username, ADMIN.password] });
        config.credHelpers = { [reg.host]: 'stevedoretest' };
      }
      await writeFile(join(home, 'config.json'), JSON.stringify(config));
      env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache'), PATH: `${home}:${process.env.PATH ?? ''}` };
      tls = reg.pki ? ['--ca-file', reg.pki.caCertFile] : [];
    });
    after(async () => {
      await closeSeeders(reg);
      await reg.stop();
      await rm(home, { recursive: true, force: true });
    });

    it('ls lists the catalog', async () => {
      const result = await runCli(['ls', reg.host, ...tls], env);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.deepEqual(result.stdout.trim().split('\n'), ['tools', 'web/frontend']);
      const json = await runCli(['ls', reg.host, '--json', '--page-size', '1', ...tls], env);
      assert.deepEqual(JSON.parse(json.stdout), ['tools', 'web/frontend']);
    });

    it('tags lists tags, and --long shows digest, size and platforms', async () => {
      const plain = await runCli(['tags', `${reg.host}/web/frontend`, ...tls], env);
      assert.deepEqual(plain.stdout.trim().split('\n').sort(), ['2.0', '2.1']);
      const long = await runCli(['tags', '-l', `${reg.host}/tools`, ...tls], env);
      assert.equal(long.code, 0, long.stderr);
      assert.match(long.stdout, /^TAG\s+DIGEST\s+SIZE\s+CREATED\s+PLATFORMS/);
      assert.match(long.stdout, /multi\s+sha256:[0-9a-f]{12}\s+[\d.]+ kB\s+.+linux\/amd64, linux\/arm64/);
      const json = JSON.parse((await runCli(['tags', '-l', '--json', `${reg.host}/web/frontend`, ...tls], env)).stdout) as TagSummary[];
      const first = json.find((t) => t.tag === '2.0');
      assert.ok(first && 'summary' in first && first.summary.digest === image.digest);
    });

    it('inspect prints a readable summary, and --json the full one', async () => {
      const human = await runCli(['inspect', `${reg.host}/web/frontend:2.0`, ...tls], env);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, new RegExp(`Digest\\s+${image.digest}`));
      assert.match(human.stdout, /Layers of linux\/amd64/);
      assert.match(human.stdout, /RUN step 2/);
      assert.match(human.stdout, /Runs: nginx -g daemon off;/);
      const json = JSON.parse((await runCli(['inspect', '--json', `${reg.host}/tools:multi`, ...tls], env)).stdout) as ImageDetails;
      assert.equal(json.kind, 'index');
      assert.equal(json.platforms.length, 2);
      assert.ok(json.totalSize < json.platforms[0]!.size + json.platforms[1]!.size, 'the shared layer is counted once');
    });

    it('delete removes the manifest a tag names', async () => {
      await seedImage(reg, 'web/frontend', 'old');
      const result = await runCli(['delete', `${reg.host}/web/frontend:old`, ...tls], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Deleted .*web\/frontend@sha256:[0-9a-f]{64}/);
      const gone = await runCli(['inspect', `${reg.host}/web/frontend:old`, ...tls], env);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /^stevedore: .*\[NOT_FOUND\]\n$/);
    });

    if (mode === 'basic' || mode === 'token') {
      it('wrong password: one clear line, non-zero exit, no password echoed', async () => {
        const result = await runCli(['tags', `${reg.host}/web/frontend`, '--creds', 'alice:hunter2-wrong'], env);
        assert.equal(result.code, 1);
        // The first line warns that --creds is visible in the process list (hostile-cli.test.ts checks it).
        const [warning, ...rest] = result.stderr.split(/(?<=\n)/);
        assert.match(warning ?? '', /^stevedore: warning: --creds/);
        assert.match(rest.join(''), /^stevedore: .*refused the credentials.*\[AUTH_FAILED\]\n$/);
        // ... and says what to do about it, as "requires credentials" does.
        assert.ok(rest.join('').endsWith(`refused the credentials (wrong user name, password or token): check them, or log in again with docker login ${reg.host} (or give --creds USER:PASS) [AUTH_FAILED]\n`), rest.join(''));
        assert.ok(!result.stderr.includes('hunter2-wrong'));
      });

      it('no credentials: says how to log in', async () => {
        const result = await runCli(['ls', reg.host], { ...env, DOCKER_CONFIG: join(home, 'empty') });
        assert.equal(result.code, 1);
        assert.match(result.stderr, /requires credentials: run docker login/);
      });

      it('reads the password from stdin', async () => {
        const result = await runCli(['tags', `${reg.host}/web/frontend`, '--username', ADMIN.username, '--password-stdin'], { ...env, DOCKER_CONFIG: join(home, 'empty') }, `${ADMIN.password}\n`);
        assert.equal(result.code, 0, result.stderr);
      });
    }

    if (mode === 'tls') {
      it('without the CA: a TLS error in one line', async () => {
        const result = await runCli(['ls', reg.host], env);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /^stevedore: TLS connection to .* failed.*\[TLS\]\n$/);
      });
    }
  });
}

describe('CLI usage errors', () => {
  it('rejects a bad reference, an unknown command and a down registry clearly', async () => {
    const bad = await runCli(['inspect', 'UPPER/Case'], process.env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^stevedore: invalid reference "UPPER\/Case".*\[INVALID_REFERENCE\]\n$/);
    const unknown = await runCli(['frobnicate'], process.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const down = await runCli(['ls', `127.0.0.1:${await freePort()}`], process.env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /connection refused.*\[NETWORK\]/);
    const help = await runCli(['--help'], process.env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /stevedore ls <registry>/);
  });
});
