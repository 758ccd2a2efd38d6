// Every archive layout pushed to the real registry and verified with skopeo: legacy docker save (symlinked layers,
// several images), Docker 25+ (uncompressed and gzip layers), oci-archive (single and multi-arch), gzip-wrapped.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { isStevedoreError } from '../../electron/core/errors.js';
import { docker25Archive, layerTar, legacyDockerArchive, ociIndexArchive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { newLayerCache, plannedActions, pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoCopy, umociImage } from '../harness/tools.js';
import { skopeoDigest, verifyPushed } from '../harness/verify-push.js';
import { inspectArchive } from '../../electron/core/archive/inspect-archive.js';

const sha = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

for (const mode of ['none', 'token'] as const) {
  describe(`push archives (${mode})`, () => {
    let reg: TestRegistry;
    let dir: string;
    let base: Buffer;
    let app: TestImage;
    let tool: TestImage;

    before(async () => {
      reg = await startRegistry(mode);
      dir = await mkdtemp(join(tmpdir(), 'stevedore-push-'));
      base = await layerTar('base', 300_000);
      app = testImage([base, await layerTar('app', 50_000, 'text')], { label: 'app' });
      tool = testImage([base, await layerTar('tool', 20_000)], { label: 'tool' });
    });
    after(async () => {
      await reg.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('legacy docker save with two images and a symlinked shared layer, plain and gzip-wrapped', async () => {
      const files = legacyDockerArchive([
        { image: app, tags: [`${reg.host}/legacy/app:1`] },
        { image: tool, tags: [`${reg.host}/legacy/tool:1`] },
      ]);
      for (const gzip of [false, true]) {
        const path = join(dir, `legacy${gzip ? '.tar.gz' : '.tar'}`);
        await writeTar(path, files, gzip);
        const { inspection } = await inspectArchive(path);
        assert.equal(inspection.format, 'docker-archive');
        assert.equal(inspection.gzipped, gzip);
        assert.equal(inspection.images.length, 2);
        const repo = gzip ? 'legacy-gz' : 'legacy';
        const layers = await newLayerCache(dir);
        const first = await pushWithEngine(reg, path, `${repo}/app:1`, { imageId: 0, layers });
        await verifyPushed(reg, `${repo}/app:1`, first.digest, [app]);
        const second = await pushWithEngine(reg, path, `${repo}/tool:1`, { imageId: 1, layers });
        await verifyPushed(reg, `${repo}/tool:1`, second.digest, [tool]);
        assert.ok(plannedActions(second.events).includes('mount'), 'the shared base layer is mounted from the first repository, not compressed again');
      }
    });

    for (const compressor of ['default', 'zlib'] as const) {
      it(`layers of many blocks and chunks, text and random, compressed by ${compressor === 'zlib' ? 'zlib' : 'the default engine'}`, async () => {
        const big = testImage([await layerTar(`text-${compressor}`, 5_000_000, 'text'), await layerTar(`random-${compressor}`, 3_000_000)], { label: compressor });
        const path = join(dir, `blocks-${compressor}.tar`);
        await writeTar(path, legacyDockerArchive([{ image: big, tags: ['blocks/x:1'] }]));
        // Small blocks and chunks: dozens of pooled buffers go round, and every chunk uploads while the next compresses.
        const settings = { blockSize: 256 * 1024, chunkSize: 1024 * 1024, window: 3 };
        const run = await pushWithEngine(reg, path, `blocks/${compressor}:1`, { settings, compressor });
        await verifyPushed(reg, `blocks/${compressor}:1`, run.digest, [big]);
      });
    }

    for (const compressor of ['default', 'zlib'] as const) {
      it(`a layer.tar of no bytes is pushed as a gzip stream of nothing, not an empty blob, by ${compressor === 'zlib' ? 'zlib' : 'the default engine'}`, async () => {
        const empty = testImage([Buffer.alloc(0), Buffer.alloc(1024), await layerTar(`after-empty-${compressor}`, 100)], { label: `empty-${compressor}` });
        const path = join(dir, `empty-${compressor}.tar`);
        await writeTar(path, legacyDockerArchive([{ image: empty, tags: ['empty/x:1'] }]));
        const run = await pushWithEngine(reg, path, `empty/${compressor}:1`, { compressor });
        await verifyPushed(reg, `empty/${compressor}:1`, run.digest, [empty]);
      });
    }

    for (const gzipLayers of [false, true]) {
      it(`Docker 25+ layout with ${gzipLayers ? 'gzip' : 'uncompressed'} layers`, async () => {
        const path = join(dir, `d25-${gzipLayers}.tar`);
        await writeTar(path, docker25Archive(app, ['d25/app:1'], gzipLayers));
        const { inspection } = await inspectArchive(path);
        assert.equal(inspection.format, 'docker-archive-oci');
        assert.deepEqual(inspection.images[0]?.platforms[0]?.layers.map((l) => l.compression), gzipLayers ? ['gzip', 'gzip'] : ['none', 'none']);
        const run = await pushWithEngine(reg, path, `d25/${gzipLayers ? 'gz' : 'plain'}:1`);
        await verifyPushed(reg, `d25/${gzipLayers ? 'gz' : 'plain'}:1`, run.digest, [app]);
        assert.equal(await skopeoDigest(reg, `d25/${gzipLayers ? 'gz' : 'plain'}:1`), run.digest);
      });
    }

    it('oci-archive made by umoci and skopeo keeps its manifest byte for byte', async () => {
      const layout = await umociImage(join(dir, 'umoci'), 'v1', { '/etc/hello': 'hello\n', '/bin/blob': Buffer.alloc(100_000, 3) });
      const ociTar = join(dir, 'umoci-oci.tar');
      const dockerTar = join(dir, 'umoci-docker.tar');
      const { run } = await import('../harness/exec.js');
      await run('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `oci-archive:${ociTar}:v1`]);
      await run('skopeo', ['copy', '--quiet', `oci:${layout}:v1`, `docker-archive:${dockerTar}:tools/umoci:v1`]);
      const { inspection } = await inspectArchive(ociTar);
      const sourceManifest = inspection.images[0]?.platforms[0]?.manifest?.digest;
      const oci = await pushWithEngine(reg, ociTar, 'umoci/oci:v1');
      assert.equal(oci.digest, sourceManifest, 'the source manifest is pushed unchanged');
      assert.equal(await skopeoDigest(reg, 'umoci/oci:v1'), sourceManifest);
      const docker = await pushWithEngine(reg, dockerTar, 'umoci/docker:v1');
      assert.equal(await skopeoDigest(reg, 'umoci/docker:v1'), docker.digest);
      // Also readable the other way round: skopeo pushes, we already verified reading in the interop tests.
      await skopeoCopy(`oci-archive:${ociTar}:v1`, reg, 'umoci/by-skopeo:v1');
    });

    it('multi-arch oci-archive: every platform and the index, unchanged', async () => {
      const amd = testImage([base, await layerTar('amd', 10_000)], { architecture: 'amd64' });
      const arm = testImage([base, await layerTar('arm', 12_000)], { architecture: 'arm64', variant: 'v8' });
      const built = ociIndexArchive([amd, arm], 'multi:1');
      for (const gzip of [false, true]) {
        const path = join(dir, `multi${gzip ? '.tar.gz' : '.tar'}`);
        await writeTar(path, built.files, gzip);
        const run = await pushWithEngine(reg, path, `multi/${gzip ? 'gz' : 'plain'}:1`);
        assert.equal(run.digest, sha(built.index), 'the index is pushed byte for byte');
        await verifyPushed(reg, `multi/${gzip ? 'gz' : 'plain'}:1`, run.digest, [amd, arm]);
      }
    });

    it('pushing the same archive again compresses and uploads nothing; another repository gets mounts', async () => {
      const layers = await newLayerCache(dir);
      const path = join(dir, 'again.tar');
      await writeTar(path, docker25Archive(tool, ['again/tool:1'], false));
      const first = await pushWithEngine(reg, path, 'again/tool:1', { layers });
      assert.ok(plannedActions(first.events).includes('compress'));
      const second = await pushWithEngine(reg, path, 'again/tool:1', { layers });
      assert.deepEqual(plannedActions(second.events), ['skip', 'skip', 'skip']);
      assert.equal(second.digest, first.digest);
      const elsewhere = await pushWithEngine(reg, path, 'again/elsewhere:1', { layers });
      assert.deepEqual(plannedActions(elsewhere.events), ['mount', 'mount', 'mount']);
      await verifyPushed(reg, 'again/elsewhere:1', elsewhere.digest, [tool]);
    });

    it('refuses a multi-image archive pushed to one reference without choosing', async () => {
      const { pushTargets } = await import('../../electron/cli/commands/push.js');
      const path = join(dir, 'two.tar');
      await writeTar(path, legacyDockerArchive([{ image: app, tags: ['a/b:1'] }, { image: tool, tags: ['a/c:1'] }]));
      const { inspection } = await inspectArchive(path);
      assert.throws(() => pushTargets(inspection.images, `${reg.host}/x:1`, { all: false }), (e: unknown) => isStevedoreError(e, 'CONFIG') && /--image N/.test(e.message));
      assert.equal(pushTargets(inspection.images, undefined, { all: false }).length, 2);
    });
  });
}
