// A source registry may serve an index of up to 1,000 children, each a manifest of up to 4 MB: a copy or an export
// that held them all would take 4 GB. The manifest bytes of one graph are bounded: past the budget, TOO_LARGE, before
// any blob moves and with no tag written.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MediaType } from '../../shared/media-types.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { MAX_GRAPH_MANIFEST_BYTES } from '../../electron/core/copy/image-graph.js';
import { exportImages } from '../../electron/core/export/export-images.js';
import { parseReference } from '../../electron/core/reference.js';
import { assertNoTag } from '../harness/assertions.js';
import { clientFor } from '../harness/clients.js';
import { copyWithEngine } from '../harness/copy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, imageConfig, pushBlob, pushManifest, randomLayer } from '../harness/seed.js';

/** Children of 3.5 MB (under distribution's 4 MB manifest limit and ours), enough of them to pass the budget. */
const CHILD_BYTES = 3.5 * 1024 * 1024;
const CHILDREN = Math.ceil(MAX_GRAPH_MANIFEST_BYTES / CHILD_BYTES) + 1;

describe('manifest bytes of one copy or export are bounded', () => {
  let reg: TestRegistry;
  let dir: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-manifest-budget-'));
    const layer = randomLayer(1024);
    const config = blobOf(imageConfig({}, [layer]));
    await pushBlob(reg, 'huge/index', layer);
    await pushBlob(reg, 'huge/index', config);
    const children: { digest: string; size: number }[] = [];
    for (let i = 0; i < CHILDREN; i++) {
      // A valid image manifest, padded with an annotation (registries keep annotations as they are).
      const head = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size }, layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size }] };
      const bytes = Buffer.from(JSON.stringify({ ...head, annotations: { pad: String(i).repeat(CHILD_BYTES) } }));
      children.push({ digest: await pushManifest(reg, 'huge/index', `child-${i}`, bytes, MediaType.ociManifest), size: bytes.length });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: children.map((c, i) => ({ mediaType: MediaType.ociManifest, ...c, platform: { os: 'linux', architecture: `arch${i}` } })) }));
    await pushManifest(reg, 'huge/index', '1', index, MediaType.ociIndex);
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const tooLarge = (e: unknown): boolean => isStevedoreError(e, 'TOO_LARGE') && /manifests take more than the 16 MB allowed/.test(e.message);

  it('copy refuses the index with TOO_LARGE and writes no tag', { timeout: 120_000 }, async () => {
    await assert.rejects(copyWithEngine({ reg }, 'huge/index:1', { reg }, 'huge/copy:1'), tooLarge);
    await assertNoTag(reg, 'huge/copy', '1');
  });

  it('export refuses it the same way and leaves no file', { timeout: 120_000 }, async () => {
    const client = clientFor(reg);
    try {
      const request = { jobId: 'budget', references: [parseReference(`${reg.host}/huge/index:1`)], file: join(dir, 'huge.tar'), format: 'oci-archive' as const, emit: () => undefined };
      await assert.rejects(exportImages(request, () => Promise.resolve(client)), tooLarge);
    } finally {
      await client.close();
    }
    assert.deepEqual(await readdir(dir), []);
  });
});
