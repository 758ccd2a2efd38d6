// bin/stevedore, the `stevedore` command: it runs the CLI with NODE_EXTRA_CA_CERTS deferred past Node's start, and the
// CLI still trusts that file's certificates (read on its first TLS connection), beside a registry's own CA file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_CJS, LAUNCHER, runCli, runLauncher } from '../harness/cli.js';
import { makePki } from '../harness/pki.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

const TLS_FAILURE = /^stevedore: TLS connection to .* failed.*\[TLS\]\n$/;

describe('the stevedore launcher', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-launcher-'));
    // A `node` first on PATH that reports what it was started with instead of running the CLI.
    await mkdir(join(dir, 'fake-bin'));
    const report = 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), extra: process.env.NODE_EXTRA_CA_CERTS ?? null, deferred: process.env.STEVEDORE_EXTRA_CA_CERTS ?? null }))';
    await writeFile(join(dir, 'fake-bin/node'), `#!/bin/sh\nexec '${process.execPath}' -e '${report}' -- "$@"\n`);
    await chmod(join(dir, 'fake-bin/node'), 0o755);
    // As npm link and node_modules/.bin do it, twice over: a relative link to an absolute one.
    await mkdir(join(dir, 'links'));
    await symlink(LAUNCHER, join(dir, 'links/absolute'));
    await symlink('links/absolute', join(dir, 'stevedore'));
    const { NODE_EXTRA_CA_CERTS: _extra, STEVEDORE_EXTRA_CA_CERTS: _deferred, ...rest } = process.env;
    env = { ...rest, PATH: `${join(dir, 'fake-bin')}:${process.env.PATH ?? ''}` };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const started = async (args: readonly string[], extra: NodeJS.ProcessEnv) => {
    const result = await runLauncher(args, { ...env, ...extra }, join(dir, 'stevedore'));
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { argv: string[]; extra: string | null; deferred: string | null };
  };

  it('runs the CommonJS CLI bundle beside it with exactly the arguments given, through symlinks', async () => {
    const args = ['ls', 'a b', '"quoted"', "it's", '', '*', '$HOME', '-x', ' ', 'back\\slash'];
    const { argv } = await started(args, {});
    assert.deepEqual(argv, [await realpath(CLI_CJS), ...args]);
  });

  it('hands NODE_EXTRA_CA_CERTS over as STEVEDORE_EXTRA_CA_CERTS, so Node does not parse it at start', async () => {
    assert.deepEqual(await started(['--version'], { NODE_EXTRA_CA_CERTS: '/some/dir with space/ca.pem' }), {
      argv: [await realpath(CLI_CJS), '--version'],
      extra: null,
      deferred: '/some/dir with space/ca.pem',
    });
  });

  it('finds its install through names ending in a newline (a directory, a link target), not a sibling without it', async () => {
    const install = join(dir, 'install\n');
    await mkdir(join(install, 'bin'), { recursive: true });
    await copyFile(LAUNCHER, join(install, 'bin/stevedore'));
    await chmod(join(install, 'bin/stevedore'), 0o755);
    // A built install (the fake node only reports the bundle's path).
    await mkdir(join(install, 'dist/app'), { recursive: true });
    await writeFile(join(install, 'dist/app/stevedore.cjs'), '');
    await symlink(join(install, 'bin/stevedore'), join(dir, 'target\n'));
    await symlink('target\n', join(dir, 'via-newline'));
    for (const command of [join(install, 'bin/stevedore'), join(dir, 'via-newline')]) {
      const result = await runLauncher(['--version'], env, command);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { argv: string[] }).argv, [join(await realpath(install), 'dist/app/stevedore.cjs'), '--version'], JSON.stringify(command));
    }
  });

  it('a symlink loop in its own name ends with one line, not a shell looping forever', async () => {
    await symlink('loop-b', join(dir, 'loop-a'));
    await symlink('loop-a', join(dir, 'loop-b'));
    // As `sh -c SCRIPT NAME` gives it: $0 names the loop (a kernel would refuse to run it, a shell may not be asked).
    const script = await readFile(LAUNCHER, 'utf8');
    const result = await new Promise<{ code: number | string | null; stderr: string }>((resolve) => {
      execFile('sh', ['-c', script, join(dir, 'loop-a'), '--version'], { env, timeout: 20_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? (error.code ?? error.signal ?? 'killed') : 0, stderr });
      });
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^stevedore: too many levels of symbolic links: [^\n]*loop-a\n$/);
  });

  it('a checkout that was never built says so in one line, not with a stack trace', async () => {
    const clone = join(dir, 'fresh-clone');
    await mkdir(join(clone, 'bin'), { recursive: true });
    await copyFile(LAUNCHER, join(clone, 'bin/stevedore'));
    await chmod(join(clone, 'bin/stevedore'), 0o755);
    const { PATH: _path, ...rest } = env;
    // The real node: before this line, it threw MODULE_NOT_FOUND with its stack.
    const result = await runLauncher(['--help'], { ...rest, PATH: process.env.PATH ?? '' }, join(clone, 'bin/stevedore'));
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `stevedore: ${await realpath(clone)} is not built: run npm install (or, after it, npm run build) there first\n`);
  });

  it('adds nothing when the variable is unset or empty', async () => {
    assert.deepEqual(await started(['--version'], {}), { argv: [await realpath(CLI_CJS), '--version'], extra: null, deferred: null });
    assert.deepEqual(await started(['--version'], { NODE_EXTRA_CA_CERTS: '' }), { argv: [await realpath(CLI_CJS), '--version'], extra: '', deferred: null });
  });
});

describe('certificates of a deferred NODE_EXTRA_CA_CERTS', () => {
  let tls: TestRegistry;
  let plain: TestRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let otherCa: string;
  before(async () => {
    [tls, plain] = await Promise.all([startRegistry('tls'), startRegistry('none')]);
    await Promise.all([seedImage(tls, 'web/frontend', '2.0'), seedImage(plain, 'web/plain', '1.0')]);
    dir = await mkdtemp(join(tmpdir(), 'stevedore-extra-ca-'));
    // A CA that signed nothing the registry shows: as --ca-file it must not take the extra certificates' place.
    await mkdir(join(dir, 'other'));
    otherCa = (await makePki(join(dir, 'other'))).caCertFile;
    const { NODE_EXTRA_CA_CERTS: _extra, STEVEDORE_EXTRA_CA_CERTS: _deferred, ...rest } = process.env;
    env = { ...rest, DOCKER_CONFIG: join(dir, 'docker'), STEVEDORE_CACHE_DIR: join(dir, 'cache') };
  });
  after(async () => {
    await Promise.all([closeSeeders(tls), closeSeeders(plain)]);
    await Promise.all([tls.stop(), plain.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('are trusted: the launcher lists a registry whose CA only NODE_EXTRA_CA_CERTS names', async () => {
    const result = await runLauncher(['ls', tls.host], { ...env, NODE_EXTRA_CA_CERTS: tls.pki!.caCertFile });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /web\/frontend/);
    const without = await runLauncher(['ls', tls.host], env);
    assert.equal(without.code, 1);
    assert.match(without.stderr, TLS_FAILURE);
  });

  it('are trusted beside a registry CA file, through the launcher and when node runs the bundle itself', async () => {
    const withBoth = { ...env, NODE_EXTRA_CA_CERTS: tls.pki!.caCertFile };
    for (const result of [await runLauncher(['ls', tls.host, '--ca-file', otherCa], withBoth), await runCli(['ls', tls.host, '--ca-file', otherCa], withBoth)]) {
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.match(result.stdout, /web\/frontend/);
    }
    // And the CA file is still trusted beside them.
    const own = await runLauncher(['ls', tls.host, '--ca-file', tls.pki!.caCertFile], { ...env, NODE_EXTRA_CA_CERTS: otherCa });
    assert.equal(own.code, 0, own.stderr);
  });

  it('an unreadable file: one warning line, as Node gives, and the command goes on', async () => {
    const missing = join(dir, 'no such file.pem');
    const result = await runLauncher(['ls', plain.host], { ...env, NODE_EXTRA_CA_CERTS: missing });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /web\/plain/);
    // What failed is said plainly: not "ENOENT: no such file or directory, open '...'".
    assert.match(result.stderr, /^Warning: Ignoring extra certs from `[^`]+no such file\.pem`, load failed: the file does not exist\n$/);
    // Remembered as plain HTTP, the registry is asked without a TLS attempt: the file is not even read.
    const again = await runLauncher(['ls', plain.host], { ...env, NODE_EXTRA_CA_CERTS: missing });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
  });
});
