// A docker-archive's layers download side by side, yet land in the archive in manifest order (two exports of one
// image are the same bytes); a layer that fails stops the others, and no file, temp file or spool file is left. An
// oci-archive's blobs download side by side into the places kept for them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { exportImages } from '../../electron/core/export/export-images.js';
import { parseReference } from '../../electron/core/reference.js';
import type { RegistryClient, RegistryRequest } from '../../electron/core/registry/client.js';
import { clientFor } from '../harness/clients.js';
import { run } from '../harness/exec.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, randomLayer, seedImage, type SeededImage } from '../harness/seed.js';

const MiB = 1024 * 1024;
/** Long enough that an export taking one layer after another would show it, short enough not to hang the suite. */
const GATE_MS = 5_000;

/**
 * The client with the GET of one blob held until `release` resolves (or GATE_MS passed): whether another request
 * started meanwhile tells if layers are fetched at once. `gated.by` says what released it.
 */
function gateBlob(client: RegistryClient, digest: string, release: (request: RegistryRequest) => Promise<string>): { client: RegistryClient; gated: { by?: string } } {
  const gated: { by?: string } = {};
  const wrapped = new Proxy(client, {
    get(target, property) {
      if (property === 'send') {
        return async (request: RegistryRequest) => {
          if (request.method === 'GET' && request.path?.endsWith(`/blobs/${digest}`) && gated.by === undefined) {
            let timer: NodeJS.Timeout | undefined;
            gated.by = await Promise.race([release(request), new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), GATE_MS)))]);
            clearTimeout(timer);
            request.signal?.throwIfAborted();
          }
          return target.send(request);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { client: wrapped, gated };
}

const hex = (digest: string): string => digest.slice('sha256:'.length);

/** The client with the first blob's GET held until the second blob is requested. */
function firstWaitsForSecond(base: RegistryClient, first: string, second: string): { client: RegistryClient; gated: { by?: string } } {
  let secondStarted: (why: string) => void = () => undefined;
  const started = new Promise<string>((resolve) => (secondStarted = resolve));
  const { client, gated } = gateBlob(base, first, () => started);
  const watching = new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'send') return value;
      return (request: RegistryRequest) => {
        if (request.path?.endsWith(`/blobs/${second}`)) secondStarted('second blob requested');
        return (value as (r: RegistryRequest) => Promise<unknown>)(request);
      };
    },
  });
  return { client: watching, gated };
}

describe('export: layers at once, in order', () => {
  let reg: TestRegistry;
  let dir: string;
  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-export-layers-'));
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads layers side by side and writes them in manifest order, leaving no spool file', async () => {
    // Plain (uncompressed) layers: the seeder's diff_ids are the digests of the bytes as stored.
    const layers = [blobOf(randomBytes(3 * MiB)), blobOf(randomBytes(MiB)), blobOf(randomBytes(2 * MiB))];
    const image: SeededImage = await seedImage(reg, 'layers/app', '1', { layers });
    const out = await mkdtemp(join(dir, 'ok-'));
    const base = clientFor(reg);
    // The first layer waits for the second one's request: taken one after another, it would wait GATE_MS for nothing.
    const { client: watching, gated } = firstWaitsForSecond(base, layers[0]?.digest ?? '', layers[1]?.digest ?? '');
    try {
      const file = join(out, 'app.tar');
      await exportImages({ jobId: 'layers', references: [parseReference(`${reg.host}/layers/app:1`)], file, format: 'docker-archive', emit: () => undefined, layersAtOnce: 2 }, () => Promise.resolve(watching));
      assert.equal(gated.by, 'second blob requested', 'the second layer was requested while the first was still waiting');
      const listing = (await run('tar', ['-tf', file])).stdout.trim().split('\n');
      assert.deepEqual(listing, [`${hex(image.config.digest)}.json`, ...layers.map((l) => `${hex(l.digest)}/layer.tar`), 'manifest.json', 'repositories']);
      assert.deepEqual(await readdir(out), ['app.tar'], 'no temp or spool file beside the archive');
      const unpacked = await mkdtemp(join(dir, 'unpacked-'));
      await run('tar', ['-xf', file, '-C', unpacked]);
      for (const layer of layers) assert.ok((await readFile(join(unpacked, hex(layer.digest), 'layer.tar'))).equals(layer.bytes), `layer ${layer.digest} is in the archive byte for byte`);
    } finally {
      await base.close();
    }
  });

  it('a failing layer stops the ones in flight and leaves no file, temp file or spool file', async () => {
    // The seeder's gzip layers have the compressed digest as diff_id: the second layer fails its check.
    const layers = [blobOf(randomBytes(2 * MiB)), randomLayer(MiB), blobOf(randomBytes(MiB))];
    await seedImage(reg, 'layers/broken', '1', { layers });
    const out = await mkdtemp(join(dir, 'broken-'));
    const base = clientFor(reg);
    // The first layer is held until the export stops it: the failure of the second must not wait for it.
    const aborted = (request: RegistryRequest): Promise<string> =>
      new Promise((resolve) => request.signal?.addEventListener('abort', () => resolve('abort'), { once: true }));
    const { client, gated } = gateBlob(base, layers[0]?.digest ?? '', aborted);
    try {
      await assert.rejects(
        exportImages({ jobId: 'broken', references: [parseReference(`${reg.host}/layers/broken:1`)], file: join(out, 'broken.tar'), format: 'docker-archive', emit: () => undefined, layersAtOnce: 2 }, () => Promise.resolve(client)),
        (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH') && /diff_id/.test(e.message),
      );
      assert.equal(gated.by, 'abort', 'the layer in flight was stopped by the failure of the other');
      assert.deepEqual(await readdir(out), []);
    } finally {
      await base.close();
    }
  });

  it('an oci-archive downloads blobs side by side into the places kept for them', async () => {
    const layers = [randomLayer(3 * MiB), randomLayer(MiB), randomLayer(2 * MiB)];
    const image = await seedImage(reg, 'layers/oci', '1', { layers, format: 'oci' });
    const out = await mkdtemp(join(dir, 'oci-'));
    const base = clientFor(reg);
    const { client, gated } = firstWaitsForSecond(base, layers[0]?.digest ?? '', layers[1]?.digest ?? '');
    try {
      const file = join(out, 'app.tar');
      await exportImages({ jobId: 'oci', references: [parseReference(`${reg.host}/layers/oci:1`)], file, format: 'oci-archive', emit: () => undefined }, () => Promise.resolve(client));
      assert.equal(gated.by, 'second blob requested', 'the second blob was requested while the first was still waiting');
      const listing = (await run('tar', ['-tf', file])).stdout.trim().split('\n');
      assert.deepEqual(listing, ['oci-layout', ...[image.config, ...layers].map((b) => `blobs/sha256/${hex(b.digest)}`), `blobs/sha256/${hex(image.digest)}`, 'index.json']);
      const unpacked = await mkdtemp(join(dir, 'oci-unpacked-'));
      await run('tar', ['-xf', file, '-C', unpacked]);
      for (const blob of [...layers, image.config]) assert.ok((await readFile(join(unpacked, 'blobs', 'sha256', hex(blob.digest)))).equals(blob.bytes), `blob ${blob.digest} is in the archive byte for byte`);
      assert.deepEqual(await readdir(out), ['app.tar']);
    } finally {
      await base.close();
    }
  });
});
