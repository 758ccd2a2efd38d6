// Opening one file of an image holds no more bytes than the layer's index promised: a layer whose entry is bigger than
// its index says (a hostile layer, a stale or tampered index) is refused with TOO_LARGE before its bytes are held.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { LayerEntry } from '../../shared/xray.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import type { IndexedImage } from '../../electron/core/xray/index-image.js';
import { openFile } from '../../electron/core/xray/open-file.js';
import { rawTar } from '../harness/archives.js';

const digest = `sha256:${'1'.repeat(64)}`;

/** An image of one gzip layer holding `data` at etc/motd, indexed as holding `indexedSize` bytes. */
function imageOf(data: Buffer, indexedSize: number): IndexedImage {
  const blob = gzipSync(rawTar([{ name: 'etc/motd', data }]));
  const entry: LayerEntry = { path: 'etc/motd', kind: 'file', size: indexedSize, mode: 0o644, uid: 0, gid: 0 };
  return {
    name: 'test',
    cached: 0,
    layers: [{ digest, diffId: digest, tarSize: blob.length, entries: [entry] }],
    source: {
      name: 'test',
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [{ key: digest, size: blob.length }],
      readLayers: async (indices, onLayer) => {
        for (const i of indices) await onLayer(i, Readable.from([blob]));
      },
    },
  };
}

describe('openFile', () => {
  it('returns a text file whose bytes match its index', async () => {
    const text = Buffer.from('hello\n');
    const opened = await openFile(imageOf(text, text.length), '/etc/motd');
    assert.equal(opened.text, 'hello\n');
  });

  it('refuses an entry bigger than its index says, without reading it whole', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x61);
    await assert.rejects(openFile(imageOf(big, 10), '/etc/motd'), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && /\/etc\/motd in layer 1 is bigger \(4194304 bytes\) than the layer's index says \(10\)/.test((e as Error).message));
  });
});
