// Transfers of a multi-arch index name each blob by where the image uses it (`config linux/arm64`, `layer 2/2
// linux/amd64`): the panel's rows were all called "config" or a bare digest, and could not be told apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobLabel } from '../../shared/push.js';
import { graphOf } from '../../electron/core/copy/image-graph.js';
import { blobTasks } from '../../electron/core/push/blob-plan.js';
import { parseManifest } from '../../electron/core/registry/manifest.js';
import type { FetchedManifest, RegistryClient } from '../../electron/core/registry/client.js';
import type { ArchiveImage, ArchivePlatformImage } from '../../shared/archive.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const fetched = (digest: string, document: unknown): FetchedManifest => {
  const bytes = Buffer.from(JSON.stringify(document));
  return { digest, mediaType: 'm', bytes, manifest: parseManifest(bytes), verified: true };
};
const image = (config: string, layers: readonly string[]) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d(config), size: 10 },
  layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d(l), size: 100 })),
});

describe('blob labels', () => {
  it('says which platform a config is for and where each layer sits, once per blob', async () => {
    const children: Record<string, FetchedManifest> = {
      [d('1')]: fetched(d('1'), image('a', ['0', 'b'])),
      [d('2')]: fetched(d('2'), image('c', ['0', 'e'])),
      [d('3')]: fetched(d('3'), image('f', [])),
    };
    const index = fetched(d('9'), {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('1'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('2'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('3'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      ],
    });
    const client = { getManifest: (_repository: string, digest: string) => Promise.resolve(children[digest]) } as unknown as RegistryClient;
    const graph = await graphOf(client, 'x', index, 'x');
    assert.deepEqual(Object.fromEntries(graph.blobs.map((b) => [b.digest.slice(7, 8), b.label])), {
      a: 'config linux/amd64',
      0: 'layer 1/2 linux/amd64 (+1 platform)',
      b: 'layer 2/2 linux/amd64',
      c: 'config linux/arm64/v8',
      e: 'layer 2/2 linux/arm64/v8',
      f: 'config attestation',
    });
    const single = await graphOf(client, 'x', children[d('1')] as FetchedManifest, 'x');
    assert.deepEqual(single.blobs.map((b) => b.label), ['config', 'layer 1/2', 'layer 2/2']);
  });

  it('labels a pushed archive the same way', () => {
    const platform = (architecture: string, layers: readonly string[]): ArchivePlatformImage =>
      ({
        platform: { os: 'linux', architecture },
        config: { entry: `${architecture}.json`, digest: d(architecture === 'amd64' ? 'a' : 'c'), size: 10, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: layers.map((entry) => ({ entry, size: 100, diffId: d(entry), digest: d(entry), compression: 'gzip', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' })),
        manifest: { entry: 'm', digest: d('9'), size: 1 },
      }) as unknown as ArchivePlatformImage;
    const archive = { id: 0, names: [], kind: 'index', platforms: [platform('amd64', ['0', 'b']), platform('arm64', ['0', 'e'])] } as unknown as ArchiveImage;
    assert.deepEqual(blobTasks(archive, 'keep').map((t) => t.label), ['config linux/amd64', 'layer 1/2 linux/amd64 (+1 platform)', 'layer 2/2 linux/amd64', 'config linux/arm64', 'layer 2/2 linux/arm64']);
    assert.equal(blobLabel('layer', [{ index: 0, of: 1, platform: 'linux/amd64' }, { index: 0, of: 1, platform: 'linux/arm64' }, { index: 0, of: 1, platform: 'linux/s390x' }]), 'layer 1/1 linux/amd64 (+2 platforms)');
  });
});
