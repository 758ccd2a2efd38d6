// The small rules copy and export stand on: platforms, the tar writer's headers written after the data, and the
// docker-archive documents.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extract } from 'tar-stream';
import type { Descriptor } from '../../shared/image.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { graphOf } from '../../electron/core/copy/image-graph.js';
import { parsePlatform, pickPlatform } from '../../electron/core/copy/platform.js';
import { parseManifest } from '../../electron/core/registry/manifest.js';
import type { RegistryClient } from '../../electron/core/registry/client.js';
import { diffIdsOf, dockerRepositories } from '../../electron/core/export/layout.js';
import { TarFile, fileHeader } from '../../electron/core/export/tar-file.js';
import { parseReference } from '../../electron/core/reference.js';

const entry = (architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${architecture.padEnd(64, '0').replace(/[^a-f0-9]/g, 'a')}`,
  size: 1,
  platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
});

async function readTar(path: string): Promise<{ name: string; size: number; data: Buffer }[]> {
  const out: { name: string; size: number; data: Buffer }[] = [];
  const reader = extract();
  const done = (async () => {
    for await (const item of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of item) chunks.push(chunk as Buffer);
      out.push({ name: item.header.name, size: item.header.size, data: Buffer.concat(chunks) });
    }
  })();
  reader.end(await readFile(path));
  await done;
  return out;
}

describe('copy and export rules', () => {
  it('parses os/arch[/variant] and refuses anything else in one line', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
    for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64']) assert.throws(() => parsePlatform(bad), (e: unknown) => isStevedoreError(e, 'INVALID_ARGUMENT'));
  });

  it('picks a platform: exact variant first, a missing variant matches any, and says what there is otherwise', () => {
    const index = [entry('amd64'), entry('arm', 'v6'), entry('arm', 'v7'), entry('arm64', 'v8')];
    assert.equal(pickPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' }, 'x'), index[2]);
    assert.equal(pickPlatform(index, { os: 'linux', architecture: 'arm64' }, 'x'), index[3]);
    assert.throws(
      () => pickPlatform(index, { os: 'linux', architecture: 'arm64', variant: 'v9' }, 'x'),
      (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && (e as Error).message.includes('linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8'),
    );
  });

  it('writes entries whose size is known only at their end, readable by tar-stream, renamed only on commit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stevedore-tarfile-'));
    try {
      const tar = await TarFile.create(join(dir, 'out.tar'));
      const parts = [Buffer.alloc(700, 1), Buffer.alloc(3, 2)];
      await tar.addStream('abc/layer.tar', (async function* () {
        yield* parts;
      })());
      await tar.addBytes('manifest.json', Buffer.from('[]'));
      assert.deepEqual(await readdir(dir), [`.out.tar.${tar.temp.split('.').at(-2) ?? ''}.partial`]);
      await tar.commit();
      assert.deepEqual(await readdir(dir), ['out.tar']);
      const entries = await readTar(join(dir, 'out.tar'));
      assert.deepEqual(entries.map((e) => [e.name, e.size]), [['abc/layer.tar', 703], ['manifest.json', 2]]);
      assert.deepEqual(entries[0]?.data, Buffer.concat(parts));
      const failed = await TarFile.create(join(dir, 'failed.tar'));
      await assert.rejects(failed.addStream('x', [Buffer.alloc(5)], 6), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
      await failed.discard();
      assert.deepEqual(await readdir(dir), ['out.tar']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('encodes sizes past 8 GiB in base-256, as GNU tar and Go read them', () => {
    const size = 9 * 1024 ** 3 + 5;
    const header = fileHeader('big/layer.tar', size);
    assert.equal(header[124], 0x80);
    assert.equal(header.readBigUInt64BE(124 + 4), BigInt(size));
    assert.equal(fileHeader('small', 10).toString('ascii', 124, 136), '00000000012\0');
  });

  it('leaves foreign layers out of what a copy moves, and refuses schema 1', async () => {
    const d = (c: string): string => `sha256:${c.repeat(64)}`;
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d('a'), size: 10 },
        layers: [
          { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: d('b'), size: 100, urls: ['https://example/b'] },
          { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('c'), size: 20 },
        ],
      }),
    );
    const client = {} as RegistryClient;
    const graph = await graphOf(client, 'x', { digest: d('e'), mediaType: 'm', bytes, manifest: parseManifest(bytes), verified: true }, 'x');
    assert.deepEqual(graph.blobs.map((b) => b.digest), [d('a'), d('c')]);
    const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [] }));
    await assert.rejects(graphOf(client, 'x', { digest: d('f'), mediaType: 'm', bytes: schema1, manifest: parseManifest(schema1), verified: true }, 'x'), (e: unknown) => isStevedoreError(e, 'UNSUPPORTED'));
  });

  it('reads diff_ids strictly and names repositories by their top layer', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(diffIdsOf(Buffer.from(JSON.stringify({ rootfs: { diff_ids: [d] } })), 1, 'x'), [d]);
    for (const bad of ['{}', '[', JSON.stringify({ rootfs: { diff_ids: [d] } }), JSON.stringify({ rootfs: { diff_ids: ['sha256:zz', d] } })]) {
      assert.throws(() => diffIdsOf(Buffer.from(bad), 2, 'x'), (e: unknown) => isStevedoreError(e, 'INVALID_RESPONSE'));
    }
    const repositories = dockerRepositories([{ reference: parseReference('localhost:5000/team/app:1'), configDigest: d, diffIds: [`sha256:${'b'.repeat(64)}`, d] }]);
    assert.deepEqual(JSON.parse(repositories.toString()), { 'localhost:5000/team/app': { '1': 'a'.repeat(64) } });
  });
});
