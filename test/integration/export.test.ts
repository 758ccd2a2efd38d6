// Saving images from a real registry to tarballs with `stevedore pull`, proved by skopeo and umoci: a docker-archive
// skopeo reads and converts, whose unpacked tree equals the source's; an oci-archive that round-trips to the same
// digest; several images in one archive; and a cancelled export that leaves nothing behind.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { exportImages } from '../../electron/core/export/export-images.js';
import { parseReference } from '../../electron/core/reference.js';
import { runCli } from '../harness/cli.js';
import { clientFor } from '../harness/clients.js';
import { run } from '../harness/exec.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { layerTar } from '../harness/archives.js';
import { blobOf, closeSeeders, randomLayer, seedImage, seedIndex } from '../harness/seed.js';
import { skopeoCopy, umociImage } from '../harness/tools.js';
import { skopeoRaw } from '../harness/verify-copy.js';

const MiB = 1024 * 1024;

/** Every path under `root` with its type and content hash (or link target): what an unpacked image holds. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const info = await lstat(path);
      const key = relative(root, path);
      if (info.isDirectory()) {
        out[key] = `dir ${(info.mode & 0o7777).toString(8)}`;
        await walk(path);
      } else if (info.isSymbolicLink()) out[key] = `link ${await readlink(path)}`;
      else out[key] = `file ${(info.mode & 0o7777).toString(8)} ${createHash('sha256').update(await readFile(path)).digest('hex')}`;
    }
  };
  await walk(root);
  return out;
}

describe('export to tarballs', () => {
  let reg: TestRegistry;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sourceTree: Record<string, string>;
  let multiDigest: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-export-'));
    const layout = await umociImage(join(dir, 'src'), 'v1', { '/etc/greeting': 'hello from the source\n', '/srv/data.bin': randomBytes(2 * MiB) });
    await skopeoCopy(`oci:${layout}:v1`, reg, 'export/app:1', ['--dest-tls-verify=false']);
    await run('umoci', ['unpack', '--image', `${layout}:v1`, join(dir, 'src-bundle')]);
    sourceTree = await tree(join(dir, 'src-bundle', 'rootfs'));
    const shared = randomLayer(30_000);
    multiDigest = (await seedIndex(reg, 'export/multi', '1', [{ architecture: 'amd64', layers: [shared] }, { architecture: 'arm64', layers: [shared, randomLayer(5_000)] }])).digest;
    await writeFile(join(dir, 'config.json'), '{}');
    env = { ...process.env, DOCKER_CONFIG: dir, STEVEDORE_CACHE_DIR: join(dir, 'cache') };
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pull writes a docker-archive skopeo reads, and it unpacks to the source tree', async () => {
    const file = join(dir, 'app.tar');
    const result = await runCli(['pull', `${reg.host}/export/app:1`, file], env);
    assert.equal(result.code, 0, result.stderr);
    const inspected = JSON.parse((await run('skopeo', ['inspect', `docker-archive:${file}`])).stdout) as { Layers: string[]; RepoTags?: string[] };
    assert.equal(inspected.Layers.length, 2);
    const archived = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout) as { RepoTags: string[]; Layers: string[]; Config: string }[];
    assert.deepEqual(archived.map((m) => m.RepoTags), [[`${reg.host}/export/app:1`]]);
    // docker save's layout, which GNU tar reads: each layer uncompressed, named by its diff_id (what skopeo
    // reports as the layer digest of a docker-archive: it hashed the stored bytes).
    const listing = (await run('tar', ['-tf', file])).stdout.trim().split('\n').sort();
    const layers = inspected.Layers.map((l) => `${l.slice('sha256:'.length)}/layer.tar`);
    assert.deepEqual(archived[0]?.Layers, layers);
    assert.match(archived[0]?.Config ?? '', /^[a-f0-9]{64}\.json$/);
    assert.deepEqual(listing, [...layers, archived[0]?.Config, 'manifest.json', 'repositories'].sort());
    const oci = join(dir, 'from-docker-archive');
    await run('skopeo', ['copy', '--quiet', `docker-archive:${file}`, `oci:${oci}:x`]);
    await run('umoci', ['unpack', '--image', `${oci}:x`, join(dir, 'export-bundle')]);
    assert.deepEqual(await tree(join(dir, 'export-bundle', 'rootfs')), sourceTree);
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('.partial')), [], 'no temp file left');
  });

  it('an oci-archive of an index round-trips through skopeo to the same digest', async () => {
    const file = join(dir, 'multi.tar');
    const result = await runCli(['pull', `${reg.host}/export/multi:1`, file, '--format', 'oci-archive'], env);
    assert.equal(result.code, 0, result.stderr);
    await run('skopeo', ['copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci-archive:${file}`, `docker://${reg.host}/export/roundtrip:1`]);
    const digest = (JSON.parse((await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/export/roundtrip:1`])).stdout) as { Digest: string }).Digest;
    assert.equal(digest, multiDigest);
    assert.equal(await skopeoRaw(reg, 'export/roundtrip:1'), await skopeoRaw(reg, 'export/multi:1'));
  });

  it('pull REF... -o FILE saves several images in one docker-archive, one platform of an index', async () => {
    const file = join(dir, 'several.tar');
    // Layers stored as plain tars: the seeded configs' diff_ids are then right.
    const tars = [await layerTar('a', 40_000), await layerTar('b', 9_000)].map(blobOf);
    await seedIndex(reg, 'export/tars', '1', [{ architecture: 'amd64', layers: tars.slice(0, 1) }, { architecture: 'arm64', layers: tars }]);
    const result = await runCli(['pull', `${reg.host}/export/app:1`, `${reg.host}/export/tars:1`, '-o', file, '--platform', 'linux/arm64'], env);
    assert.equal(result.code, 0, result.stderr);
    const archived = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout) as { RepoTags: string[] }[];
    assert.deepEqual(archived.map((m) => m.RepoTags[0]), [`${reg.host}/export/app:1`, `${reg.host}/export/tars:1`]);
    const second = JSON.parse((await run('skopeo', ['inspect', `docker-archive:${file}:@1`])).stdout) as { Architecture: string; Layers: string[] };
    assert.equal(second.Architecture, 'arm64');
    assert.equal(second.Layers.length, 2);
  });

  it('a docker-archive of an index without --platform takes this machine\'s, and says so when it has none', async () => {
    await seedIndex(reg, 'export/foreign', '1', [{ architecture: 's390x' }, { architecture: 'riscv64' }]);
    const file = join(dir, 'foreign.tar');
    const result = await runCli(['pull', `${reg.host}/export/foreign:1`, file], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /linux\/s390x, linux\/riscv64.*--platform \[INVALID_ARGUMENT\]/);
    await assert.rejects(lstat(file));
  });

  it('refuses a layer whose content does not match the config\'s diff_id, leaving no file', async () => {
    // The seeder's random layers are gzip members whose configs name the compressed digest as diff_id.
    await seedImage(reg, 'export/wrong-diffid', '1');
    const file = join(dir, 'wrong.tar');
    const result = await runCli(['pull', `${reg.host}/export/wrong-diffid:1`, file], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /diff_id .*\[DIGEST_MISMATCH\]/);
    await assert.rejects(lstat(file));
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('.partial')), []);
  });

  it('a cancelled export leaves no file and no temp file', async () => {
    await seedImage(reg, 'export/big', '1', { layers: [randomLayer(16 * MiB)] });
    const out = await mkdtemp(join(tmpdir(), 'stevedore-export-cancel-'));
    const controller = new AbortController();
    const client = clientFor(reg);
    try {
      await assert.rejects(
        exportImages(
          {
            jobId: 'cancel',
            references: [parseReference(`${reg.host}/export/big:1`)],
            file: join(out, 'big.tar'),
            format: 'docker-archive',
            emit: (e) => {
              if (e.type === 'progress' && e.overall.bytesDone > MiB) controller.abort();
            },
            signal: controller.signal,
          },
          () => Promise.resolve(client),
        ),
        (e: unknown) => isStevedoreError(e, 'CANCELLED'),
      );
      assert.deepEqual(await readdir(out), []);
    } finally {
      await client.close();
      await rm(out, { recursive: true, force: true });
    }
  });
});
