// An exported layer's decompression: a registry blob that says it is gzip but is not (corrupt or cut short) fails
// with ARCHIVE_INVALID naming the layer, not with zlib's own error; a good one passes, checked against its diff_id.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isStevedoreError } from '../../electron/core/errors.js';
import { uncompressedLayer } from '../../electron/core/export/uncompressed-layer.js';

const WHAT = 'layer 1 of registry.test/app@sha256:abc';

async function* twoChunks(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes.subarray(0, 10);
  yield bytes.subarray(10);
}

async function drain(stored: Buffer, diffId: string): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of uncompressedLayer(twoChunks(stored), diffId, WHAT)) out.push(chunk);
  return Buffer.concat(out);
}

describe('uncompressed layer', () => {
  const tar = randomBytes(200_000);
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const gzip = gzipSync(tar);

  it('decompresses a gzip layer', async () => {
    assert.deepEqual(await drain(gzip, diffId), tar);
  });

  it('a corrupt or truncated gzip layer is ARCHIVE_INVALID naming the layer', async () => {
    const corrupt = Buffer.from(gzip);
    corrupt.fill(0xff, 10, 200);
    for (const [name, bytes] of [
      ['corrupt', corrupt],
      ['truncated', gzip.subarray(0, gzip.length >> 1)],
    ] as const) {
      await assert.rejects(drain(bytes, diffId), (error: unknown) => {
        assert.ok(isStevedoreError(error, 'ARCHIVE_INVALID'), `${name}: got ${String(error)}`);
        assert.ok(error.message.startsWith(`${WHAT}: not valid gzip data`), error.message);
        return true;
      });
    }
  });
});
