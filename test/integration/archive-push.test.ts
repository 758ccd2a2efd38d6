// Archives that are odd but valid, pushed to the real registry: blobs addressed by sha512, a zero-byte layer sent
// as stored, and a gzip-wrapped archive holding a name twice (the push must send the entry the inspection described).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inspectArchive } from '../../electron/core/archive/inspect-archive.js';
import { docker25Archive, layerTar, legacyDockerArchive, ociSha512Archive, rawTar, rawTarEntry, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { verifyPushed } from '../harness/verify-push.js';

const BOUNDED = { timeout: 120_000 };

describe('archive push', () => {
  let reg: TestRegistry;
  let dir: string;
  let image: TestImage;
  let n = 0;
  const file = (suffix = '.tar'): string => join(dir, `push-${n++}${suffix}`);

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-archive-push-'));
    image = testImage([await layerTar('one', 40_000), await layerTar('two', 1_500_000)]);
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an oci-archive whose blobs are addressed by sha512, verifying each, plain and gzip-wrapped', BOUNDED, async () => {
    const { files, manifestDigest } = ociSha512Archive(image, 'sha512/app:1');
    const path = file();
    await writeTar(path, files);
    const gz = file('.tar.gz');
    await writeTar(gz, files, true);
    const { inspection } = await inspectArchive(path);
    const platform = inspection.images[0]?.platforms[0];
    assert.equal(platform?.manifest?.digest, manifestDigest);
    assert.match(platform?.config.digest ?? '', /^sha512:[0-9a-f]{128}$/);
    assert.deepEqual((await inspectArchive(gz)).inspection.images, inspection.images);
    // The gzip-wrapped reader hashes every blob as it passes, with the algorithm its path names.
    const tampered = files.map((f) => (f.data && f.data.length > 1_000_000 ? { ...f, data: flipByte(f.data) } : f));
    const badGz = file('.tar.gz');
    await writeTar(badGz, tampered, true);
    await assert.rejects(inspectArchive(badGz), /content hashes to sha512:[0-9a-f]{128}, not sha512:/);
  });

  // distribution 2.8 stores a sha512 blob and answers with its canonical sha256 Docker-Content-Digest (it links both);
  // UploadSessions.finish (electron/core/registry, another branch) must compare only digests of the same algorithm.
  it('pushes an oci-archive whose blobs are addressed by sha512, each blob under its own digest', BOUNDED, async () => {
    const { files } = ociSha512Archive(image, 'sha512/app:1');
    const path = file();
    await writeTar(path, files);
    // Gzip layers go as stored: the registry must hold them under their sha512 digests, which it verifies itself.
    const { digest } = await pushWithEngine(reg, path, 'sha512/app:1');
    const manifest = (await (await fetch(`${reg.url}/v2/sha512/app/manifests/${digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as { config: { digest: string }; layers: { digest: string }[] };
    for (const [i, layer] of manifest.layers.entries()) {
      assert.match(layer.digest, /^sha512:/);
      const stored = Buffer.from(await (await fetch(`${reg.url}/v2/sha512/app/blobs/${layer.digest}`)).arrayBuffer());
      assert.equal(`sha512:${createHash('sha512').update(stored).digest('hex')}`, layer.digest);
      assert.equal(`sha256:${createHash('sha256').update(gzipUnwrap(stored)).digest('hex')}`, image.diffIds[i]);
    }
    const config = Buffer.from(await (await fetch(`${reg.url}/v2/sha512/app/blobs/${manifest.config.digest}`)).arrayBuffer());
    assert.deepEqual(config, image.config);
  });

  it('refuses an oci-archive blob that does not hash to its sha512 name', BOUNDED, async () => {
    const { files } = ociSha512Archive(image, 'sha512/bad:1');
    const tampered = files.map((f) => (f.data && f.data.length > 1_000_000 ? { ...f, data: flipByte(f.data) } : f));
    const path = file();
    await writeTar(path, tampered);
    await assert.rejects(pushWithEngine(reg, path, 'sha512/bad:1'), /content hashes to sha512:[0-9a-f]{128}, not sha512:/);
  });

  it('pushes a zero-byte layer as stored (--compression keep) and compressed, plain and gzip-wrapped', BOUNDED, async () => {
    const empty = testImage([await layerTar('base', 10_000), Buffer.alloc(0)]);
    for (const wrapped of [false, true]) {
      const path = file(wrapped ? '.tar.gz' : '.tar');
      await writeTar(path, legacyDockerArchive([{ image: empty, tags: ['empty/layer:1'] }]), wrapped);
      for (const compression of ['keep', 'gzip'] as const) {
        const tag = `${compression}${wrapped ? '-gz' : ''}`;
        const { digest } = await pushWithEngine(reg, path, `empty/layer:${tag}`, { settings: { compression } });
        await verifyPushed(reg, `empty/layer:${tag}`, digest, [empty]);
      }
    }
  });

  it('pushes the last of two entries with the same name, plain and gzip-wrapped, as the inspection described', BOUNDED, async () => {
    const files = docker25Archive(image, ['dup/layer:1'], false);
    const big = files.find((f) => (f.data?.length ?? 0) > 1_000_000);
    assert.ok(big?.data);
    // An earlier entry of the same name and size with other bytes: tar extraction would overwrite it with the later one.
    const decoy = rawTarEntry(big.name, randomBytes(big.data.length));
    const bytes = Buffer.concat([decoy, rawTar(files)]);
    const plain = file();
    const gz = file('.tar.gz');
    await writeFile(plain, bytes);
    await writeFile(gz, gzipSync(bytes));
    const [a, b] = [await inspectArchive(plain), await inspectArchive(gz)];
    assert.deepEqual(b.inspection.images, a.inspection.images);
    for (const [path, tag] of [[plain, 'plain'], [gz, 'gz']] as const) {
      const { digest } = await pushWithEngine(reg, path, `dup/layer:${tag}`);
      await verifyPushed(reg, `dup/layer:${tag}`, digest, [image]);
    }
  });
});

function flipByte(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out[100] = (out[100] ?? 0) ^ 0xff;
  return out;
}

function gzipUnwrap(bytes: Buffer): Buffer {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}
