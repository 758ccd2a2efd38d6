// `stevedore inspect`'s text: numbers a reader can add up (the layer table's heading is the sum of its rows).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderImage } from '../../electron/cli/commands/inspect.js';
import type { ImageDetails } from '../../electron/core/image/summary.js';

describe('inspect rendering', () => {
  it('heads the layer table with the sum of its rows; the total adds the config', () => {
    const config = { os: 'linux', architecture: 'amd64', env: [], cmd: [], entrypoint: [], exposedPorts: [], labels: {}, diffIds: [], history: [] };
    const layer = (c: string, size: number) => ({ digest: `sha256:${c.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size });
    // As skopeo inspect --raw showed team/api:2.0: a config of 459 bytes and layers of 20,245 and 33,090.
    const image: ImageDetails = {
      registry: 'r.example',
      repository: 'team/api',
      tag: '2.0',
      digest: `sha256:${'a'.repeat(64)}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      kind: 'manifest',
      totalSize: 53_794,
      platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, digest: `sha256:${'a'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: `sha256:${'b'.repeat(64)}`, layers: [layer('1', 20_245), layer('2', 33_090)], size: 53_794, isAttestation: false, config }],
    };
    const text = renderImage('r.example/team/api:2.0', image);
    assert.match(text, /^Total size\s+53\.8 kB /m);
    assert.match(text, /^Layers of linux\/amd64 \(53\.3 kB\):$/m, text);
  });
});
