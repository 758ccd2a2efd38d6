import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaType } from '../../shared/media-types.js';
import { StevedoreError } from '../../electron/core/errors.js';
import { parseManifest } from '../../electron/core/registry/manifest.js';
import { parseImageConfig } from '../../electron/core/registry/image-config.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('parseManifest', () => {
  it('refuses a mediaType that is not a media type (it becomes the Content-Type of a copy or push): INVALID_RESPONSE, not a network error later', () => {
    for (const mediaType of [`${MediaType.ociManifest}\r\nX-Injected: 1`, 'text/html; charset=utf-8', '', 'no-slash']) {
      const bytes = json({ schemaVersion: 2, mediaType, config: { mediaType: MediaType.ociConfig, digest: d('a'), size: 10 }, layers: [] });
      assert.throws(() => parseManifest(bytes), (e: unknown) => e instanceof StevedoreError && e.code === 'INVALID_RESPONSE' && /is not a media type/.test(e.message), JSON.stringify(mediaType));
    }
    // A Content-Type that is no media type is ignored, as an absent one: the shape decides.
    const index = parseManifest(json({ schemaVersion: 2, manifests: [] }), 'x\r\ny');
    assert.equal(index.mediaType, MediaType.ociIndex);
  });

  it('reads a Docker schema 2 manifest', () => {
    const m = parseManifest(
      json({
        schemaVersion: 2,
        mediaType: MediaType.dockerManifest,
        config: { mediaType: MediaType.dockerConfig, digest: d('a'), size: 10 },
        layers: [{ mediaType: MediaType.dockerLayerGzip, digest: d('b'), size: 20 }],
      }),
    );
    assert.equal(m.kind, 'manifest');
    if (m.kind === 'manifest') assert.equal(m.layers[0]?.size, 20);
  });

  it('reads an OCI index without mediaType by its shape and the Content-Type', () => {
    const bytes = json({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest: d('c'), size: 5, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }] });
    const m = parseManifest(bytes, `${MediaType.ociIndex}; charset=utf-8`);
    assert.equal(m.kind, 'index');
    if (m.kind === 'index') assert.deepEqual(m.manifests[0]?.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
  });

  it('reads schema 1 read-only, oldest layer first', () => {
    const m = parseManifest(json({ schemaVersion: 1, architecture: 'amd64', fsLayers: [{ blobSum: d('1') }, { blobSum: d('2') }], history: [{ v1Compatibility: '{"created":"b"}' }, { v1Compatibility: '{"created":"a"}' }], signatures: [] }));
    assert.equal(m.kind, 'schema1');
    if (m.kind === 'schema1') {
      assert.deepEqual(m.layerDigests, [d('2'), d('1')]);
      assert.equal(m.mediaType, MediaType.dockerSchema1Signed);
    }
  });

  it('refuses malformed manifests with the reason', () => {
    assert.throws(() => parseManifest(Buffer.from('<html>')), /not JSON/);
    assert.throws(() => parseManifest(json({ schemaVersion: 3 })), /schemaVersion 3/);
    assert.throws(() => parseManifest(json({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: 'x', digest: 'sha256:zz', size: 1 }, layers: [] })), /config has an invalid digest/);
    assert.throws(() => parseManifest(json({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: 'x', digest: d('a'), size: -1 }, layers: [] })), /invalid size/);
    assert.throws(() => parseManifest(json({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: {} })), /not a list/);
  });
});

describe('parseImageConfig', () => {
  it('reads os, created, env, cmd, labels and history', () => {
    const config = parseImageConfig(
      json({
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
        created: '2026-01-01T00:00:00Z',
        config: { Env: ['A=1'], Cmd: ['run'], Entrypoint: null, Labels: { a: 'b', n: 1 }, ExposedPorts: { '80/tcp': {} } },
        rootfs: { type: 'layers', diff_ids: [d('f')] },
        history: [{ created_by: 'COPY x', empty_layer: false }, { created_by: 'ENV A=1', empty_layer: true }],
      }),
    );
    assert.equal(config.variant, 'v8');
    assert.deepEqual(config.env, ['A=1']);
    assert.deepEqual(config.entrypoint, []);
    assert.deepEqual(config.labels, { a: 'b' });
    assert.deepEqual(config.exposedPorts, ['80/tcp']);
    assert.equal(config.history[1]?.emptyLayer, true);
  });
});
