// Every read operation of the engine, against the real distribution registry in each auth/TLS mode.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MediaType } from '../../shared/media-types.js';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { imageSummary, tagSummaries } from '../../electron/core/image/summary.js';
import type { RegistryClient } from '../../electron/core/registry/client.js';
import { clientFor } from '../harness/clients.js';
import { ALL_MODES, startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, pushManifest, randomLayer, seedImage, seedIndex, type SeededImage } from '../harness/seed.js';

for (const mode of ALL_MODES) {
  describe(`registry operations (${mode})`, () => {
    let reg: TestRegistry;
    let client: RegistryClient;
    let app: SeededImage;
    let multi: { digest: string; images: readonly SeededImage[] };
    const base = randomLayer(30_000);

    before(async () => {
      reg = await startRegistry(mode);
      app = await seedImage(reg, 'team/app', '1.0', { format: 'docker', created: '2026-03-04T05:06:07Z', labels: { tier: 'web' } });
      await seedImage(reg, 'team/app', '1.1', { format: 'docker' });
      multi = await seedIndex(reg, 'multi', 'latest', [
        { architecture: 'amd64', layers: [base, randomLayer(1000)] },
        { architecture: 'arm64', variant: 'v8', layers: [base, randomLayer(2000)] },
      ]);
      client = clientFor(reg);
    });
    after(async () => {
      await client?.close();
      await closeSeeders(reg);
      await reg?.stop();
    });

    it('pings and detects the auth scheme', async () => {
      const ping = await client.ping();
      assert.equal(ping.auth, mode === 'basic' ? 'basic' : mode === 'token' ? 'bearer' : 'none');
      assert.equal(ping.usedCredentials, mode === 'basic' || mode === 'token');
      assert.equal(ping.url, `${mode === 'tls' ? 'https' : 'http'}://${reg.host}`);
    });

    it('lists the catalog, across pages too', async () => {
      assert.deepEqual(await client.listRepositories(), ['multi', 'team/app']);
      const pages: (readonly string[])[] = [];
      for await (const page of client.catalogPages({ pageSize: 1 })) pages.push(page);
      assert.deepEqual(pages, [['multi'], ['team/app']]);
    });

    it('lists tags', async () => {
      assert.deepEqual((await client.listTags('team/app')).sort(), ['1.0', '1.1']);
    });

    it('gets a manifest by tag and by digest with verified bytes, and HEADs it', async () => {
      const byTag = await client.getManifest('team/app', '1.0');
      assert.equal(byTag.digest, app.digest);
      assert.equal(byTag.mediaType, MediaType.dockerManifest);
      assert.deepEqual(byTag.bytes, app.manifest);
      const byDigest = await client.getManifest('team/app', app.digest);
      assert.deepEqual(byDigest.bytes, app.manifest);
      const head = await client.headManifest('team/app', '1.0');
      assert.deepEqual(head, { digest: app.digest, mediaType: MediaType.dockerManifest, size: app.manifest.length });
      const index = await client.getManifest('multi', 'latest');
      assert.equal(index.manifest.kind, 'index');
      assert.equal(index.digest, multi.digest);
    });

    it('summarises a single-platform image with its config', async () => {
      const summary = await imageSummary(client, { registry: reg.host, repository: 'team/app', tag: '1.0' });
      assert.equal(summary.kind, 'manifest');
      assert.equal(summary.created, '2026-03-04T05:06:07Z');
      const [platform] = summary.platforms;
      assert.deepEqual(platform?.platform, { os: 'linux', architecture: 'amd64' });
      assert.deepEqual(platform?.layers.map((l) => l.size), app.layers.map((l) => l.size));
      assert.equal(summary.totalSize, app.config.size + app.layers.reduce((s, l) => s + l.size, 0));
      assert.deepEqual(platform?.config?.labels, { tier: 'web' });
      assert.deepEqual(platform?.config?.history.map((h) => h.createdBy), ['RUN step 1', 'RUN step 2']);
    });

    it('summarises a multi-arch index, counting the shared layer once', async () => {
      const summary = await imageSummary(client, { registry: reg.host, repository: 'multi', tag: 'latest' });
      assert.equal(summary.kind, 'index');
      assert.deepEqual(
        summary.platforms.map((p) => p.platform),
        [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64', variant: 'v8' },
        ],
      );
      const perPlatform = multi.images.map((img) => img.config.size + img.layers.reduce((s, l) => s + l.size, 0));
      assert.deepEqual(summary.platforms.map((p) => p.size), perPlatform);
      assert.equal(summary.totalSize, perPlatform[0]! + perPlatform[1]! - base.size);
    });

    it('summarises many tags, reporting a broken tag without failing the list', async () => {
      const results = await tagSummaries(client, 'team/app', ['1.0', '1.1', 'missing']);
      assert.equal(results.length, 3);
      assert.ok('summary' in results[0]! && results[0].summary.digest === app.digest);
      assert.ok('error' in results[2]! && results[2].error.code === 'NOT_FOUND');
    });

    it('HEADs and streams blobs with digest verification', async () => {
      const layer = app.layers[0]!;
      assert.equal(await client.headBlob('team/app', layer.digest), layer.size);
      assert.equal(await client.headBlob('team/app', randomLayer(10).digest), undefined);
      const { stream, size } = await client.openBlob('team/app', layer.digest);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(size, layer.size);
      assert.deepEqual(Buffer.concat(chunks), layer.bytes);
    });

    it('finds referrers through the tag schema when the referrers API is missing', async () => {
      const subject = app.digest;
      assert.deepEqual(await client.referrers('team/app', subject), []);
      const sbomConfig = blobOf(Buffer.from('{}'));
      const sbom = await seedImage(reg, 'team/app', 'sbom-holder', { format: 'oci', layers: [sbomConfig] });
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociIndex,
          manifests: [{ mediaType: MediaType.ociManifest, digest: sbom.digest, size: sbom.manifest.length, artifactType: 'application/spdx+json' }],
        }),
      );
      await pushManifest(reg, 'team/app', subject.replace(':', '-'), index, MediaType.ociIndex);
      const found = await client.referrers('team/app', subject);
      assert.deepEqual(found.map((d) => d.digest), [sbom.digest]);
      assert.deepEqual(await client.referrers('team/app', subject, { artifactType: 'application/other' }), []);
    });

    it('deletes a manifest by digest', async () => {
      const doomed = await seedImage(reg, 'team/app', 'doomed');
      await client.deleteManifest('team/app', doomed.digest);
      await assert.rejects(client.getManifest('team/app', 'doomed'), (e: unknown) => isStevedoreError(e, 'NOT_FOUND'));
    });

    it('answers NOT_FOUND with the registry error code for unknown manifests', async () => {
      await assert.rejects(client.getManifest('team/app', 'nope'), (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && e.details.registryCode === 'MANIFEST_UNKNOWN' && e.message.includes('/team/app has no tag "nope"'));
    });
  });
}

describe('content cache against a real registry', () => {
  let reg: TestRegistry;
  let cacheDir: string;
  before(async () => {
    reg = await startRegistry('none');
    cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-cache-int-'));
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('serves configs and manifests by digest from the cache, never a tag', async () => {
    const image = await seedImage(reg, 'cached', 'v1');
    const cache = new ContentCache(cacheDir);
    const warm = clientFor(reg, { cache });
    await imageSummary(warm, { registry: reg.host, repository: 'cached', tag: 'v1' });
    // Remove the config blob from the registry: only the cache can still answer for it.
    const { request } = await import('undici');
    const removed = await request(`${reg.url}/v2/cached/blobs/${image.config.digest}`, { method: 'DELETE' });
    await removed.body.dump();
    assert.equal(removed.statusCode, 202);
    const again = await imageSummary(warm, { registry: reg.host, repository: 'cached', tag: 'v1' });
    assert.equal(again.created, '2026-01-02T03:04:05Z');
    const cold = clientFor(reg);
    await assert.rejects(imageSummary(cold, { registry: reg.host, repository: 'cached', tag: 'v1' }), (e: unknown) => isStevedoreError(e, 'NOT_FOUND'));
    // A tag is always asked again: moving it is seen at once.
    const moved = await seedImage(reg, 'cached', 'v1');
    assert.equal((await warm.getManifest('cached', 'v1')).digest, moved.digest);
    await warm.close();
    await cold.close();
  });
});
