// No tag on an image that does not verify: a layer whose bytes do not decompress to the config's diff_id fails the
// push with DIGEST_MISMATCH and writes no manifest, whichever path the bytes take (compressed on the way, sent as
// stored, streamed from a gzip-wrapped archive, skipped or mounted because the registry has them); the layer cache is
// a hint that only counts when the registry agrees with it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { ArchiveImage } from '../../shared/archive.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { LayerCache } from '../../electron/core/push/layer-cache.js';
import type { GzipEngine } from '../../electron/core/workers/gzip-engine.js';
import { docker25Archive, layerTar, legacyDockerArchive, testImage, writeTar, type TarFile, type TestImage } from '../harness/archives.js';
import { assertNoTag } from '../harness/assertions.js';
import { runCli } from '../harness/cli.js';
import { plannedActions, pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { verifyPushed } from '../harness/verify-push.js';

const sha = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The same layers under a config whose diff_ids say otherwise. */
function withDiffIds(image: TestImage, diffIds: readonly string[]): TestImage {
  const json = JSON.parse(image.config.toString()) as { rootfs: { diff_ids: string[] } };
  json.rootfs.diff_ids = [...diffIds];
  const config = Buffer.from(JSON.stringify(json));
  return { config, configDigest: sha(config), layers: image.layers, diffIds };
}

/** An oci-archive: the Docker 25 layout without its manifest.json. */
function ociArchive(image: TestImage, gzipLayers: boolean): TarFile[] {
  return docker25Archive(image, [], gzipLayers).filter((f) => f.name !== 'manifest.json');
}

const mismatchAt = (index: number) => (e: unknown) =>
  isStevedoreError(e, 'DIGEST_MISMATCH') && new RegExp(`layer content hashes to sha256:[0-9a-f]{64}, not the config's diff_id sha256:[0-9a-f]{64} \\(rootfs\\.diff_ids\\[${index}\\]\\)`).test(e.message);

describe('push verifies every layer against the config', () => {
  let reg: TestRegistry;
  let dir: string;
  let good: TestImage;
  /** diff_ids[1] names content that is not layer 1's. */
  let wrong: TestImage;
  let n = 0;
  const file = (gzip = false): string => join(dir, `a-${n++}.tar${gzip ? '.gz' : ''}`);

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-verify-'));
    good = testImage([await layerTar('first', 30_000), await layerTar('second', 600_000, 'text')]);
    wrong = withDiffIds(good, [good.diffIds[0] as string, sha(Buffer.from('some other layer'))]);
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function refused(path: string, repository: string, check: (e: unknown) => boolean, options: Parameters<typeof pushWithEngine>[3] = {}): Promise<void> {
    await assert.rejects(pushWithEngine(reg, path, `${repository}:1`, options), check);
    await assertNoTag(reg, repository, '1');
  }

  for (const gzip of [false, true]) {
    const wrapped = gzip ? ', gzip-wrapped' : '';
    it(`docker-archive, uncompressed layer with a wrong diff_id: compressed on the way and kept as stored${wrapped}`, async () => {
      const path = file(gzip);
      await writeTar(path, legacyDockerArchive([{ image: wrong, tags: [] }]), gzip);
      // Gzip-wrapped, the archive reader hashed every entry in its one pass and refuses it before the push starts.
      const check = gzip ? (e: unknown) => isStevedoreError(e, 'ARCHIVE_INVALID') && /not the config's diff_id/.test(e.message) : mismatchAt(1);
      await refused(path, `d-plain-${gzip}/gz`, check);
      await refused(path, `d-plain-${gzip}/keep`, check, { settings: { compression: 'keep' } });
    });

    it(`docker-archive, gzip layer with a wrong diff_id${wrapped}`, async () => {
      const path = file(gzip);
      await writeTar(path, docker25Archive(wrong, [], true), gzip);
      await refused(path, `d-gz-${gzip}/x`, mismatchAt(1));
    });

    it(`oci-archive, gzip layer with a wrong diff_id${wrapped}`, async () => {
      const path = file(gzip);
      await writeTar(path, ociArchive(wrong, true), gzip);
      await refused(path, `o-gz-${gzip}/x`, mismatchAt(1));
    });

    it(`oci-archive, uncompressed layer with a wrong diff_id, with --compression keep and gzip${wrapped}`, async () => {
      const path = file(gzip);
      await writeTar(path, ociArchive(wrong, false), gzip);
      await refused(path, `o-plain-${gzip}/keep`, mismatchAt(1), { settings: { compression: 'keep' } });
      await refused(path, `o-plain-${gzip}/gz`, mismatchAt(1));
    });

    it(`a gzip layer the registry already has is still checked against the diff_id, skipped or mounted${wrapped}`, async () => {
      const repo = `present-${gzip}`;
      const layers = new LayerCache(await mkdtemp(join(dir, 'lc-')));
      const okPath = file(gzip);
      await writeTar(okPath, ociArchive(good, true), gzip);
      const first = await pushWithEngine(reg, okPath, `${repo}/good:1`, { layers });
      await verifyPushed(reg, `${repo}/good:1`, first.digest, [good]);
      // Checked while uploading, and remembered: a later push that skips these blobs need not read them again.
      assert.deepEqual(good.layers.map((l) => layers.verifiedDiffId(sha(gzipSync(l)))), good.diffIds);
      const badPath = file(gzip);
      await writeTar(badPath, ociArchive(wrong, true), gzip);
      // Same blobs, same repository: both layers are skipped, their bytes read once to check them, never uploaded.
      // Another repository: both are mounted, and checked the same way.
      for (const [target, action] of [[`${repo}/good:2`, 'skip'], [`${repo}/other:1`, 'mount']] as const) {
        let planned: string[] = [];
        const onEvent = (e: { type: string; blobs?: readonly { kind: string; action: string }[] }): void => {
          if (e.type === 'plan') planned = (e.blobs ?? []).filter((b) => b.kind === 'layer').map((b) => b.action);
        };
        await assert.rejects(pushWithEngine(reg, badPath, target, { layers, onEvent }), mismatchAt(1), target);
        assert.deepEqual(planned, [action, action], target);
        await assertNoTag(reg, target.split(':')[0] as string, target.split(':')[1] as string);
      }
      // Skipped without a layer cache (nothing verified before) as well.
      await assert.rejects(pushWithEngine(reg, badPath, `${repo}/good:3`), mismatchAt(1));
      await assertNoTag(reg, `${repo}/good`, '3');
    });
  }

  it('one layer file listed twice with two different diff_ids', async () => {
    const files = legacyDockerArchive([{ image: good, tags: [] }]);
    const manifestFile = files.find((f) => f.name === 'manifest.json') as TarFile;
    const [entry] = JSON.parse((manifestFile.data as Buffer).toString()) as { Config: string; Layers: string[] }[];
    const twice = withDiffIds(good, [good.diffIds[0] as string, good.diffIds[1] as string]);
    const listed = [{ ...entry, Config: `${twice.configDigest.slice(7)}.json`, Layers: [entry?.Layers[0], entry?.Layers[0]] }];
    const path = file();
    await writeTar(path, [...files.filter((f) => f !== manifestFile), { name: `${twice.configDigest.slice(7)}.json`, data: twice.config }, { name: 'manifest.json', data: Buffer.from(JSON.stringify(listed)) }]);
    await refused(path, 'twice/gz', mismatchAt(1));
    await refused(path, 'twice/keep', mismatchAt(1), { settings: { compression: 'keep' } });
  });

  it('the manifest a tag names is read again and checked against its digest, and may be over 1 MB', async () => {
    const path = file();
    await writeTar(path, ociArchive(good, true));
    // An inspection that no longer matches the archive (the file changed since): refused, not tagged.
    const otherDigest = (image: ArchiveImage): ArchiveImage => ({ ...image, platforms: image.platforms.map((p) => (p.manifest ? { ...p, manifest: { ...p.manifest, digest: sha(Buffer.from('another manifest')) } } : p)) });
    await refused(path, 'manifest/changed', (e) => isStevedoreError(e, 'ARCHIVE_INVALID') && /"blobs\/sha256\/[0-9a-f]{64}": content hashes to sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}/.test(e.message), { tamper: otherDigest });
    // Inspection reads manifests of up to 8 MB: so does the push (it read them with a 1 MB limit).
    const stored = good.layers.map((l) => gzipSync(l));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: good.configDigest, size: good.config.length },
        layers: stored.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(b), size: b.length })),
        annotations: { 'org.example.padding': 'x'.repeat(1_200_000) },
      }),
    );
    const blob = (bytes: Buffer): TarFile => ({ name: `blobs/sha256/${sha(bytes).slice(7)}`, data: bytes });
    const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length }] };
    const big = file();
    await writeTar(big, [...stored.map(blob), blob(good.config), blob(manifest), { name: 'index.json', data: Buffer.from(JSON.stringify(index)) }, { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }]);
    for (const compression of ['keep', 'gzip'] as const) {
      const run = await pushWithEngine(reg, big, `manifest/big:${compression}`, { settings: { compression } });
      assert.equal(run.digest, sha(manifest), 'the manifest went up byte for byte');
      await verifyPushed(reg, `manifest/big:${compression}`, run.digest, [good]);
    }
  });

  it('a zstd layer is pushed only where it can be checked: never tagged unverified', async () => {
    // zstd magic, then bytes that are no zstd frame, under a config naming another layer's diff_id.
    const fake = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(200, 7)]);
    const files = legacyDockerArchive([{ image: good, tags: [] }]);
    const manifest = JSON.parse((files.find((f) => f.name === 'manifest.json')?.data as Buffer).toString()) as { Layers: string[] }[];
    const second = manifest[0]?.Layers[1] as string;
    const path = file();
    await writeTar(path, files.map((f) => (f.name === second ? { ...f, data: fake } : f)));
    const unverifiable = (e: unknown): boolean =>
      // This Node has no zstd: refused before any byte moves. A Node with zstd reads it, and finds it broken.
      (isStevedoreError(e, 'UNSUPPORTED') && new RegExp(`"${second.replace(/[/.]/g, '\\$&')}": a zstd layer \\(rootfs\\.diff_ids\\[1\\]\\) cannot be checked against its diff_id by Node v`).test(e.message)) ||
      (isStevedoreError(e, 'ARCHIVE_INVALID') && /the zstd layer does not decompress/.test(e.message));
    await refused(path, 'zstd/keep', unverifiable, { settings: { compression: 'keep' } });
    await refused(path, 'zstd/gz', unverifiable);
  });

  it('the CLI says which layer in one line and exits non-zero, leaving no tag', async () => {
    const path = file();
    await writeTar(path, ociArchive(wrong, true));
    const cacheDir = await mkdtemp(join(dir, 'cli-cache-'));
    const result = await runCli(['push', '--cache-dir', cacheDir, path, `${reg.host}/cli/verify:1`], process.env);
    assert.equal(result.code, 1);
    // Found mid-push, far from where the archive was opened, and still named after the file given.
    const named = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(result.stderr, new RegExp(`\\nstevedore: ${named}: entry "blobs/sha256/[0-9a-f]{64}": layer content hashes to sha256:[0-9a-f]{64}, not the config's diff_id sha256:[0-9a-f]{64} \\(rootfs\\.diff_ids\\[1\\]\\) \\[DIGEST_MISMATCH\\]\\n$`));
    await assertNoTag(reg, 'cli/verify', '1');
  });

  it('an image whose layers do not match its config in number writes no manifest', async () => {
    const path = file();
    await writeTar(path, ociArchive(good, true));
    const dropLast = (image: ArchiveImage): ArchiveImage => ({ ...image, platforms: image.platforms.map((p) => ({ ...p, layers: p.layers.slice(0, -1) })) });
    await refused(path, 'count/x', (e) => isStevedoreError(e, 'ARCHIVE_INVALID') && /the image lists 1 layers but its config has 2 diff_ids/.test(e.message), { tamper: dropLast });
  });

  it('the good archives still push and verify on every path', async () => {
    for (const gzip of [false, true]) {
      for (const [name, files] of [
        ['legacy', legacyDockerArchive([{ image: good, tags: [] }])],
        ['d25gz', docker25Archive(good, [], true)],
        ['ocigz', ociArchive(good, true)],
        ['ociplain', ociArchive(good, false)],
      ] as const) {
        const path = file(gzip);
        await writeTar(path, files, gzip);
        for (const compression of ['gzip', 'keep'] as const) {
          const ref = `good-${gzip}/${name}:${compression}`;
          const run = await pushWithEngine(reg, path, ref, { settings: { compression } });
          await verifyPushed(reg, ref, run.digest, [good]);
        }
      }
    }
  });

  describe('the layer cache is a hint', () => {
    let cacheDir: string;
    let layers: LayerCache;
    let path: string;
    let entries: string;

    before(async () => {
      cacheDir = await mkdtemp(join(dir, 'lc-'));
      layers = new LayerCache(cacheDir);
      path = file();
      // Uncompressed layers: compressed on the way, so the cache maps their DiffIDs to our gzip blobs.
      await writeTar(path, docker25Archive(good, [], false));
      const first = await pushWithEngine(reg, path, 'cached/app:1', { layers });
      await verifyPushed(reg, 'cached/app:1', first.digest, [good]);
      entries = join(cacheDir, 'layers', reg.host.replace(/[^A-Za-z0-9.-]/g, '_'), 'gzip');
    });

    const entryOf = (diffId: string): string => join(entries, diffId.replace(':', '-'));
    const readEntry = async (diffId: string): Promise<{ digest: string; size: number; repository: string }> => JSON.parse(await readFile(entryOf(diffId), 'utf8')) as { digest: string; size: number; repository: string };

    async function pushAndCheck(tag: string): Promise<string[]> {
      const run = await pushWithEngine(reg, path, `cached/app:${tag}`, { layers });
      await verifyPushed(reg, `cached/app:${tag}`, run.digest, [good]);
      return plannedActions(run.events);
    }

    it('an entry pointing a DiffID at another blob of the registry (other size) is dropped and rewritten', async () => {
      assert.deepEqual((await readdir(entries)).sort(), good.diffIds.map((d) => d.replace(':', '-')).sort());
      const right = await readEntry(good.diffIds[0] as string);
      const other = await readEntry(good.diffIds[1] as string);
      // Same size as the right blob, so only the registry's answer for the other blob can tell.
      await writeFile(entryOf(good.diffIds[0] as string), JSON.stringify({ ...other, size: right.size }));
      assert.ok((await pushAndCheck('other-blob')).includes('compress'), 'the contradicted entry was not used');
      assert.deepEqual(await readEntry(good.diffIds[0] as string), right, 'the entry was rewritten after the upload');
    });

    it('an entry naming a blob the registry does not have, here or in the repository it names', async () => {
      const right = await readEntry(good.diffIds[0] as string);
      await writeFile(entryOf(good.diffIds[0] as string), JSON.stringify({ ...right, digest: sha(Buffer.from('nothing')), repository: 'cached/elsewhere' }));
      assert.ok((await pushAndCheck('absent-blob')).includes('compress'));
      assert.deepEqual(await readEntry(good.diffIds[0] as string), right);
    });

    it('garbage, a wrong shape and an entry in an older format are ignored, never a crash', async () => {
      const right = await readEntry(good.diffIds[0] as string);
      const other = await readEntry(good.diffIds[1] as string);
      const { version: _, ...oldFormat } = { ...other, size: right.size } as typeof other & { version?: number };
      for (const [what, text] of [
        ['garbage', '{"digest": "sha256:'],
        ['wrong shape', JSON.stringify({ ...right, size: 'big' })],
        ['older format naming another blob', JSON.stringify(oldFormat)],
        ['huge', JSON.stringify({ ...right, pad: 'x'.repeat(100_000) })],
      ] as const) {
        await writeFile(entryOf(good.diffIds[0] as string), text);
        assert.ok((await pushAndCheck(what.replace(/\W+/g, '-'))).includes('compress'), what);
        assert.deepEqual(await readEntry(good.diffIds[0] as string), right, `${what}: rewritten`);
      }
      // And a right entry is still used: nothing to compress.
      assert.ok(!(await pushAndCheck('all-right')).includes('compress'));
    });
  });

  it('a compressor that fails with a RangeError fails the push as INTERNAL, not REGISTRY_ERROR', async () => {
    const path = file();
    await writeTar(path, legacyDockerArchive([{ image: good, tags: [] }]));
    const broken: GzipEngine = {
      name: 'broken',
      concurrency: 1,
      defaultLevel: 1,
      gzip: () => Promise.reject(new RangeError('offset is out of bounds')),
      close: () => Promise.resolve(),
    };
    let failed: unknown;
    await refused(path, 'internal/x', (e) => isStevedoreError(e, 'INTERNAL') && /offset is out of bounds/.test(e.message), {
      gzip: broken,
      onEvent: (e) => {
        if (e.type === 'failed') failed = e.error.code;
      },
    });
    assert.equal(failed, 'INTERNAL');
  });
});
