// Export of an image whose blobs are addressed by sha512 (the OCI image spec's other registered algorithm, which
// distribution 2.8 stores): its blob paths (`blobs/sha512/<128 hex>`) and docker save's config name (`<128 hex>.json`)
// are longer than a plain ustar header holds. Both formats must be written whole and read back.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectArchive } from '../../electron/core/archive/inspect-archive.js';
import { exportImages, type ExportFormat } from '../../electron/core/export/export-images.js';
import { parseReference } from '../../electron/core/reference.js';
import { layerTar, ociSha512Archive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { clientFor } from '../harness/clients.js';
import { run } from '../harness/exec.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';

const BOUNDED = { timeout: 120_000 };

describe('export of sha512-addressed images', () => {
  let reg: TestRegistry;
  let dir: string;
  let image: TestImage;
  let digest: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-export-sha512-'));
    image = testImage([await layerTar('sha512-one', 30_000), await layerTar('sha512-two', 200_000)]);
    const archive = join(dir, 'source.tar');
    await writeTar(archive, ociSha512Archive(image, 'sha512/app:1').files);
    digest = (await pushWithEngine(reg, archive, 'sha512/app:1')).digest;
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const exportAs = async (format: ExportFormat): Promise<string> => {
    const file = join(dir, `app-${format}.tar`);
    const client = clientFor(reg);
    try {
      await exportImages({ jobId: `sha512-${format}`, references: [parseReference(`${reg.host}/sha512/app:1`)], file, format, emit: () => undefined }, () => Promise.resolve(client));
    } finally {
      await client.close();
    }
    return file;
  };

  it('writes an oci-archive with blobs/sha512/<hex> entries, each verified when read back', BOUNDED, async () => {
    const file = await exportAs('oci-archive');
    const listing = (await run('tar', ['-tf', file])).stdout.trim().split('\n');
    assert.ok(listing.some((name) => /^blobs\/sha512\/[a-f0-9]{128}$/.test(name)), listing.join('\n'));
    // Stevedore's archive reader hashes every blob with the algorithm its path names, and checks the diff_ids.
    const { inspection } = await inspectArchive(file);
    const platform = inspection.images[0]?.platforms[0];
    assert.equal(platform?.manifest?.digest, digest);
    assert.match(platform?.config.digest ?? '', /^sha512:[a-f0-9]{128}$/);
  });

  it('writes a docker-archive whose config is named by its sha512 hex, which skopeo reads', BOUNDED, async () => {
    const file = await exportAs('docker-archive');
    const manifest = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout) as { Config: string; Layers: string[] }[];
    assert.match(manifest[0]?.Config ?? '', /^[a-f0-9]{128}\.json$/);
    const config = Buffer.from((await run('tar', ['-xOf', file, manifest[0]?.Config ?? ''])).stdout, 'utf8');
    assert.deepEqual(config, image.config);
    const inspected = JSON.parse((await run('skopeo', ['inspect', `docker-archive:${file}`])).stdout) as { Layers: string[] };
    assert.deepEqual(inspected.Layers, image.diffIds);
    const { inspection } = await inspectArchive(file);
    assert.equal(inspection.images[0]?.platforms[0]?.layers.length, 2);
  });
});
