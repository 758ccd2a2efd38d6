// Untrusted archives: every defect is an ARCHIVE_INVALID error naming the entry and the problem, found before
// anything is tagged.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inspectArchive, inspectArchiveHere } from '../../electron/core/archive/inspect-archive.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { docker25Archive, layerTar, legacyDockerArchive, testImage, writeTar, type TarFile, type TestImage } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { assertNoTag } from '../harness/assertions.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';

const invalid = (pattern: RegExp) => (e: unknown) => isStevedoreError(e, 'ARCHIVE_INVALID') && pattern.test(e.message);

describe('bad archives', () => {
  let reg: TestRegistry;
  let dir: string;
  let image: TestImage;
  let n = 0;
  const file = (): string => join(dir, `bad-${n++}.tar`);

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-bad-'));
    image = testImage([await layerTar('one', 40_000), await layerTar('two', 3_000_000)]);
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function pushFails(path: string, repository: string, pattern: RegExp): Promise<void> {
    await assert.rejects(pushWithEngine(reg, path, `${repository}:latest`), invalid(pattern));
    await assertNoTag(reg, repository, 'latest');
  }

  it('refuses entry names with .. or an absolute path', async () => {
    const dotdot = file();
    await writeTar(dotdot, [{ name: 'manifest.json', data: Buffer.from('[]') }, { name: 'a/../../etc/passwd', data: Buffer.from('x') }]);
    await assert.rejects(inspectArchive(dotdot), invalid(/"a\/\.\.\/\.\.\/etc\/passwd": path contains "\.\."/));
    const absolute = file();
    await writeTar(absolute, [{ name: '/etc/shadow', data: Buffer.from('x') }]);
    await assert.rejects(inspectArchive(absolute), invalid(/"\/etc\/shadow": absolute path/));
  });

  it('refuses a symlinked layer that leaves the archive', async () => {
    const files = legacyDockerArchive([{ image, tags: ['x/y:1'] }]).map((f): TarFile => (f.name.endsWith('/layer.tar') && f.data && f.data.length < 100_000 ? { name: f.name, type: 'symlink', linkname: '../../../outside/layer.tar' } : f));
    const path = file();
    await writeTar(path, files);
    await assert.rejects(inspectArchive(path), invalid(/layer\.tar": link "\.\.\/\.\.\/\.\.\/outside\/layer\.tar" leaves the archive/));
  });

  it('names a layer that manifest.json lists but the archive lacks', async () => {
    const files = legacyDockerArchive([{ image, tags: ['x/y:1'] }]).filter((f) => !(f.name.endsWith('/layer.tar') && (f.data?.length ?? 0) < 100_000));
    const path = file();
    await writeTar(path, files);
    await assert.rejects(inspectArchive(path), invalid(/layer\.tar": missing from the archive/));
  });

  it('refuses a config whose bytes do not match its name, and a layer count that does not match', async () => {
    const renamed = legacyDockerArchive([{ image, tags: ['x/y:1'] }]).map((f) => (f.name.endsWith('.json') && f.name !== 'manifest.json' ? { ...f, data: Buffer.from((f.data as Buffer).toString().replace('linux', 'Linux')) } : f));
    const path = file();
    await writeTar(path, renamed);
    await assert.rejects(inspectArchive(path), invalid(/\.json": content hashes to sha256:[0-9a-f]{64}, not sha256:/));
    const fewer = legacyDockerArchive([{ image, tags: ['x/y:1'] }]).map((f) => (f.name === 'manifest.json' ? { ...f, data: Buffer.from(JSON.stringify(JSON.parse((f.data as Buffer).toString()).map((m: { Layers: string[] }) => ({ ...m, Layers: m.Layers.slice(1) })))) } : f));
    const path2 = file();
    await writeTar(path2, fewer);
    await assert.rejects(inspectArchive(path2), invalid(/lists 1 layers but its config has 2 diff_ids/));
  });

  it('refuses an OCI blob whose size differs from its descriptor', async () => {
    const files = docker25Archive(image, ['x/y:1'], true);
    const manifestFile = files.find((f) => f.data?.toString().includes('"application/vnd.oci.image.manifest.v1+json","config"')) as TarFile;
    const manifest = JSON.parse((manifestFile.data as Buffer).toString()) as { layers: { size: number }[] };
    manifest.layers[0]!.size += 1;
    // Re-point index.json at the edited manifest so only the size is wrong.
    const edited = Buffer.from(JSON.stringify(manifest));
    const { createHash } = await import('node:crypto');
    const hex = createHash('sha256').update(edited).digest('hex');
    const out = files
      .filter((f) => f !== manifestFile && f.name !== 'index.json' && f.name !== 'manifest.json')
      .concat([
        { name: `blobs/sha256/${hex}`, data: edited },
        { name: 'index.json', data: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex}`, size: edited.length }] })) },
      ]);
    const path = file();
    await writeTar(path, out);
    await assert.rejects(inspectArchive(path), invalid(/blobs\/sha256\/[0-9a-f]{64}": is \d+ bytes, the manifest says \d+/));
  });

  it('finds an uncompressed layer whose bytes do not match its diff_id while pushing, before any tag', async () => {
    const files = legacyDockerArchive([{ image, tags: ['x/y:1'] }]).map((f) => {
      if (!f.name.endsWith('/layer.tar') || !f.data || f.data.length < 1_000_000) return f;
      const tampered = Buffer.from(f.data);
      tampered[tampered.length - 2000] = (tampered[tampered.length - 2000] ?? 0) ^ 0xff;
      return { ...f, data: tampered };
    });
    const path = file();
    await writeTar(path, files);
    const diffIdMismatch = (e: unknown): boolean => isStevedoreError(e, 'DIGEST_MISMATCH') && /layer\.tar": layer content hashes to sha256:[0-9a-f]{64}, not the config's diff_id sha256:[0-9a-f]{64} \(rootfs\.diff_ids\[1\]\)/.test(e.message);
    await assert.rejects(pushWithEngine(reg, path, 'tampered/layer:latest'), diffIdMismatch);
    await assertNoTag(reg, 'tampered/layer', 'latest');
    // The same check holds when the layer is pushed uncompressed, as stored.
    await assert.rejects(pushWithEngine(reg, path, 'tampered/keep:latest', { settings: { compression: 'keep' } }), diffIdMismatch);
    await assertNoTag(reg, 'tampered/keep', 'latest');
  });

  it('finds a gzip blob whose bytes do not match its name while pushing', async () => {
    const files = docker25Archive(image, ['x/y:1'], true).map((f) => {
      if (!f.data || f.data.length < 1_000_000) return f;
      const tampered = Buffer.from(f.data);
      tampered[100] = (tampered[100] ?? 0) ^ 0xff;
      return { ...f, data: tampered };
    });
    const path = file();
    await writeTar(path, files);
    await pushFails(path, 'tampered/blob', /blobs\/sha256\/[0-9a-f]{64}": content hashes to sha256:[0-9a-f]{64}, not sha256:/);
  });

  it('refuses truncated archives, plain and gzip-wrapped', async () => {
    const path = file();
    await writeTar(path, docker25Archive(image, ['x/y:1'], false));
    const full = await readFile(path);
    const cut = file();
    await writeFile(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    await assert.rejects(inspectArchive(cut), invalid(/truncated/));
    const cutGz = join(dir, 'cut.tar.gz');
    await writeFile(cutGz, gzipSync(full).subarray(0, 200_000));
    await assert.rejects(inspectArchive(cutGz), invalid(/truncated/));
  });

  it('refuses input that is not a tar at all', async () => {
    const junk = file();
    await writeFile(junk, randomBytes(4096));
    await assert.rejects(inspectArchive(junk), invalid(/not a tar archive/));
    const gzJunk = join(dir, 'junk.gz');
    await writeFile(gzJunk, gzipSync(randomBytes(4096)));
    await assert.rejects(inspectArchive(gzJunk), invalid(/not a tar archive|invalid tar header/));
    const empty = file();
    await writeFile(empty, '');
    await assert.rejects(inspectArchive(empty), invalid(/empty/));
    const plain = file();
    await writeTar(plain, [{ name: 'readme.txt', data: Buffer.from('hello') }]);
    await assert.rejects(inspectArchive(plain), invalid(/neither a docker-archive .* nor an oci-archive/));
    // A plain tar is the non-image file a new user drops most: the message says what to make instead.
    await assert.rejects(inspectArchive(plain), invalid(/^archive: not an image archive: .*; save the image with docker save -o FILE IMAGE, or skopeo copy IMAGE docker-archive:FILE$/));
  });

  it('reads archives on a worker thread that a cancel stops, with the same answers as reading them here', async () => {
    const path = join(dir, 'big.tar.gz');
    await writeTar(path, legacyDockerArchive([{ image: testImage([await layerTar('big', 40_000_000)]), tags: ['big:1'] }]), true);
    const controller = new AbortController();
    const reading = inspectArchive(path, controller.signal);
    controller.abort(new Error('stop reading'));
    await assert.rejects(reading, /stop reading/);
    const [there, here] = await Promise.all([inspectArchive(path), inspectArchiveHere(path)]);
    assert.deepEqual(there.inspection, here.inspection);
    assert.deepEqual([...there.source.entries.keys()], [...here.source.entries.keys()]);
    assert.deepEqual(await there.source.readSmall('manifest.json'), await here.source.readSmall('manifest.json'));
  });

  it('the CLI says it in one line and exits non-zero, leaving no tag', async () => {
    const path = file();
    await writeFile(path, randomBytes(1000));
    await truncate(path, 1000);
    const result = await runCli(['push', path, `${reg.host}/cli/bad:1`], process.env);
    assert.equal(result.code, 1);
    // Named after the file given, not "archive:".
    assert.ok(result.stderr.startsWith(`stevedore: ${path}: `), result.stderr);
    assert.match(result.stderr, /^[^\n]*\[ARCHIVE_INVALID\]\n$/);
    await assertNoTag(reg, 'cli/bad', 'latest');
  });

  it('every command that takes a tarball names the file the user gave when it is not an image archive', async () => {
    const dirName = dir.split('/').pop() as string;
    const plain = join(dir, 'readme-only.tar');
    await writeTar(plain, [{ name: 'readme.txt', data: Buffer.from('hello') }]);
    // As typed, not resolved: the user finds in the message the path they gave.
    const typed = `${dir}/../${dirName}//readme-only.tar`;
    const line = (path: string): string =>
      `stevedore: ${path}: not an image archive: neither a docker-archive (no manifest.json) nor an oci-archive (no oci-layout and index.json); save the image with docker save -o FILE IMAGE, or skopeo copy IMAGE docker-archive:FILE [ARCHIVE_INVALID]\n`;
    for (const args of [['push', plain, `${reg.host}/cli/plain:1`], ['inspect', plain], ['files', plain], ['waste', plain], ['cat', plain, '/etc/os-release'], ['diff', plain, plain]]) {
      const result = await runCli(args, process.env);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr, line(plain), args.join(' '));
    }
    for (const command of ['push', 'inspect']) {
      const result = await runCli([command, typed, ...(command === 'push' ? [`${reg.host}/cli/plain:1`] : [])], process.env);
      assert.equal(result.stderr, line(typed), command);
    }
    await assertNoTag(reg, 'cli/plain', '1');
  });
});
