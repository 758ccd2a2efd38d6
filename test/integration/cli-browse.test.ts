// The CLI as a skopeo/crane user expects it: tags sorted (version-aware, by date, by size, checked against the
// registry's data computed here), REPO:TAG refused, "no tags", per-command help, one-line option errors, files
// told from references, "1 layer", and a missing tag's delete saying "manifest unknown" as inspect does.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, type Blob } from '../harness/seed.js';

describe('CLI: tags, help and arguments', () => {
  let reg: TestRegistry;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const sizes = new Map<string, number>();
  const created = new Map<string, number>();
  const NAMES = ['1.9', '1.10', '1.2', '2.0.0-rc.1', '2.0.0', 'latest', '1.9.1'];

  before(async () => {
    reg = await startRegistry('none');
    home = await mkdtemp(join(tmpdir(), 'stevedore-cli-browse-'));
    env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
    for (const [i, tag] of NAMES.entries()) {
      const layers: Blob[] = [randomLayer(1000 + ((i * 5) % 7) * 3000)];
      const when = `2026-0${1 + ((i * 3) % 7)}-0${1 + i}T00:00:00Z`;
      const image = await seedImage(reg, 'app', tag, { layers, created: when });
      sizes.set(tag, image.config.size + layers.reduce((sum, l) => sum + l.size, 0));
      created.set(tag, Date.parse(when));
    }
    // A repository whose only tag was deleted: it exists but lists no tags.
    await seedImage(reg, 'nolatest', '1.0');
    const gone = await seedImage(reg, 'empty', 'x');
    await runCli(['delete', `${reg.host}/empty@${gone.digest}`], env);
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('lists tags in version order, and by created date or size with --sort', async () => {
    const plain = await runCli(['tags', `${reg.host}/app`], env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(plain.stdout.trim().split('\n'), ['1.2', '1.9', '1.9.1', '1.10', '2.0.0-rc.1', '2.0.0', 'latest']);
    const bySize = await runCli(['tags', `${reg.host}/app`, '--sort', 'size'], env);
    assert.deepEqual(bySize.stdout.trim().split('\n'), [...NAMES].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0) || 0));
    const byDate = await runCli(['tags', `${reg.host}/app`, '-l', '--sort', 'created'], env);
    assert.equal(byDate.code, 0, byDate.stderr);
    const rows = byDate.stdout.trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(rows, [...NAMES].sort((a, b) => (created.get(b) ?? 0) - (created.get(a) ?? 0)));
  });

  it('refuses REPO:TAG with a clear line, and says "no tags" for an empty repository', async () => {
    const withTag = await runCli(['tags', `${reg.host}/app:1.9`], env);
    assert.equal(withTag.code, 2);
    assert.equal(withTag.stderr, `stevedore: tags takes a repository, not an image: try stevedore tags ${reg.host}/app\n`);
    const empty = await runCli(['tags', `${reg.host}/empty`], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, '');
    assert.equal(empty.stderr, `no tags in ${reg.host}/empty\n`);
  });

  it('prints each command usage with examples, and unknown options in one line', async () => {
    for (const command of ['ls', 'tags', 'inspect', 'delete', 'push', 'serve', 'copy', 'pull', 'files', 'diff', 'waste', 'cat']) {
      const help = await runCli([command, '--help'], env);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`^Usage: stevedore ${command}`), command);
      assert.match(help.stdout, /Examples:/, command);
    }
    const unknown = await runCli(['tags', '--frobnicate', `${reg.host}/app`], env);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'stevedore: unknown option --frobnicate; see stevedore tags --help\n');
    const missing = await runCli(['tags', `${reg.host}/app`, '--jobs'], env);
    assert.equal(missing.stderr.split('\n').length, 2, missing.stderr);
    const badSort = await runCli(['tags', `${reg.host}/app`, '--sort', 'weight'], env);
    assert.equal(badSort.stderr, 'stevedore: --sort takes name, created or size, not "weight"\n');
  });

  it('a missing file is said to be missing, never looked up as a reference', async () => {
    const missing = await runCli(['inspect', 'missing.tar'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'stevedore: archive missing.tar does not exist [NOT_FOUND]\n');
    const pathLike = await runCli(['inspect', './images/app'], env);
    assert.match(pathLike.stderr, /^stevedore: archive \.\/images\/app does not exist \[NOT_FOUND\]/);
    const directory = await runCli(['inspect', home], env);
    assert.match(directory.stderr, /is a directory, not a regular file \[NOT_A_FILE\]/);
    // The file commands too: image.tar mistyped was looked up as docker.io/library/image.tar.
    for (const args of [['files', 'missing.tar'], ['files', 'missing.tar', '--layer', '1'], ['waste', 'missing.tar'], ['cat', 'missing.tar', '/etc/os-release'], ['diff', 'missing.tar', 'other.tar']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr, 'stevedore: archive missing.tar does not exist [NOT_FOUND]\n', args.join(' '));
    }
    const filesOfDirectory = await runCli(['files', home], env);
    assert.match(filesOfDirectory.stderr, /is a directory, not a regular file \[NOT_A_FILE\]/);
  });

  it('a registry alone where a repository belongs says how to list it, never asks Docker Hub', async () => {
    // 127.0.0.1:5000 is, by the grammar, docker.io/library/127.0.0.1:5000 (tags suggested that; inspect asked Docker Hub).
    const archive = join(home, 'registry-alone.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('alone', 1000)]), tags: ['alone:1'] }]));
    for (const registry of ['127.0.0.1:5000', 'localhost:5000', 'registry.example:443']) {
      for (const args of [['tags', registry], ['inspect', registry], ['files', registry], ['delete', registry], ['pull', registry, join(home, 'x.tar')], ['copy', registry, `${registry}/app:1`], ['push', archive, registry]]) {
        const result = await runCli(args, env);
        assert.equal(result.code, 1, args.join(' '));
        assert.equal(result.stderr, `stevedore: ${registry} names a registry, not a repository or image: list its repositories with stevedore ls ${registry} [INVALID_REFERENCE]\n`, args.join(' '));
      }
    }
  });

  it('ls given a repository says that tags lists it', async () => {
    const result = await runCli(['ls', `${reg.host}/team/app`], env);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `stevedore: ${reg.host}/team/app names a repository; ls takes a registry (stevedore ls ${reg.host}), and stevedore tags ${reg.host}/team/app lists the repository's tags [INVALID_REFERENCE]\n`);
    // The API root still names the registry.
    assert.equal((await runCli(['ls', `http://${reg.host}/v2/`], env)).code, 0);
  });

  it('serve on a port taken or out of range says so in one line (it was an INTERNAL "listen EADDRINUSE")', async () => {
    const serveEnv = { ...env, XDG_STATE_HOME: join(home, 'state'), STEVEDORE_DATA_DIR: join(home, 'data') };
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const busy = await runCli(['serve', '--port', String(port)], serveEnv);
      assert.equal(busy.code, 1);
      assert.equal(busy.stderr, `stevedore: cannot listen on 127.0.0.1:${port}: another program is using that port; choose another, or none for a free one [CONFIG]\n`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    for (const port of ['65536', '99999', '1.5', 'x']) {
      const result = await runCli(['serve', '--port', port], serveEnv);
      assert.equal(result.code, 2, port);
      assert.equal(result.stderr, 'stevedore: --port takes 0 to 65535 (0: a free one)\n', port);
    }
  });

  it('says "1 layer", not "1 layers"', async () => {
    const archive = join(home, 'one.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('one', 1000)]), tags: ['one:1'] }]));
    const result = await runCli(['inspect', archive], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b1 image\b/);
    assert.match(result.stdout, /\b1 layer\b/);
    assert.doesNotMatch(result.stdout, /\b1 (layers|images)\b/);
  });

  it('delete of a missing tag says "manifest unknown", as inspect does', async () => {
    const inspect = await runCli(['inspect', `${reg.host}/app:nope`], env);
    const del = await runCli(['delete', `${reg.host}/app:nope`], env);
    assert.equal(del.code, 1);
    assert.match(inspect.stderr, /manifest unknown/);
    assert.equal(del.stderr, inspect.stderr);
  });

  it('a missing tag or a typo in the repository says which tag the repository lacks and what to check, whichever command asked', async () => {
    const inspect = await runCli(['inspect', `${reg.host}/app:nope`], env);
    assert.equal(inspect.stderr, `stevedore: ${reg.host}/app has no tag "nope" (manifest unknown); check the repository and tag names against its tags [NOT_FOUND]\n`);
    // pull and copy ask with HEAD, whose 404 has no body to quote.
    const pull = await runCli(['pull', `${reg.host}/app:nope`, join(home, 'nope.tar')], env);
    assert.equal(pull.code, 1);
    assert.equal(pull.stderr, `stevedore: ${reg.host}/app has no tag "nope" (HTTP 404); check the repository and tag names against its tags [NOT_FOUND]\n`);
    const typo = await runCli(['inspect', `${reg.host}/ap:1`], env);
    assert.match(typo.stderr, new RegExp(`^stevedore: ${reg.host}/ap has no tag "1" \\(.*\\); check the repository and tag names against its tags \\[NOT_FOUND\\]\\n$`));
  });

  it('inspect REPO reads latest, as crane and skopeo do, and says so when there is no latest', async () => {
    const found = await runCli(['inspect', `${reg.host}/app`], env);
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, new RegExp(`Reference\\s+${reg.host}/app:latest\\n`));
    const missing = await runCli(['inspect', `${reg.host}/nolatest`], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `stevedore: ${reg.host}/nolatest has no tag "latest", which a reference without a tag means; list its tags with: stevedore tags ${reg.host}/nolatest [NOT_FOUND]\n`);
    const files = await runCli(['files', `${reg.host}/nolatest`], env);
    assert.equal(files.stderr, missing.stderr, 'the file commands read a reference the same way');
  });
});
