import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createGzip, gunzipSync } from 'node:zlib';
import { BufferPool } from '../../electron/core/push/buffer-pool.js';
import { MemberWriter, gzipBound } from '../../electron/core/workers/zlib-member-writer.js';

const MiB = 1024 * 1024;

function text(size: number, seed: number): Uint8Array {
  const line = Buffer.from(`{"layer": ${seed}, "text": "compresses well"}\n`);
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += line.length) out.set(line.subarray(0, Math.min(line.length, size - at)), at);
  return out;
}

describe('zlib member writer', () => {
  it("relies on Node's zlib streams keeping their output offset in _outOffset", () => {
    // Without it the writer still works, allocating a fresh output buffer whenever one fills, as a new stream per
    // block did; this test is where a Node that renamed it shows up, before the push's memory does.
    const stream = createGzip() as unknown as { _outOffset?: unknown; _outBuffer?: unknown };
    assert.equal(typeof stream._outOffset, 'number');
    assert.ok(Buffer.isBuffer(stream._outBuffer));
  });

  it('writes whole gzip members one after another, each exact, in buffers that stay as they were', async () => {
    const pool = new BufferPool();
    const writer = new MemberWriter(2, gzipBound(MiB));
    try {
      const blocks = [text(MiB, 1), new Uint8Array(randomBytes(MiB)), text(MiB, 2), new Uint8Array(0), text(123_457, 3), text(MiB, 4)];
      const members: Uint8Array[] = [];
      for (const block of blocks) members.push(await writer.member(block, pool));
      assert.ok(writer.usable);
      members.forEach((member, i) => assert.deepEqual(new Uint8Array(gunzipSync(member)), blocks[i], `member ${i}`));
      // Each member is a gzip stream of its own (a header each), so their concatenation is the blocks in order.
      assert.deepEqual(new Uint8Array(gunzipSync(Buffer.concat(members))), new Uint8Array(Buffer.concat(blocks)));
    } finally {
      writer.close();
    }
  });

  it('copes with a member larger than its output buffer', async () => {
    const writer = new MemberWriter(0, 4096);
    try {
      const block = new Uint8Array(randomBytes(300_000));
      const member = await writer.member(block);
      assert.deepEqual(new Uint8Array(gunzipSync(member)), block);
      assert.deepEqual(new Uint8Array(gunzipSync(await writer.member(text(50_000, 5)))), text(50_000, 5));
    } finally {
      writer.close();
    }
  });
});
