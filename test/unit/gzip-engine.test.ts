import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { isStevedoreError } from '../../electron/core/errors.js';
import { BufferPool } from '../../electron/core/push/buffer-pool.js';
import { parallelGzip } from '../../electron/core/push/parallel-gzip.js';
import type { GzipEngine } from '../../electron/core/workers/gzip-engine.js';
import { NativeGzip, loadNativeGzip } from '../../electron/core/workers/native-gzip.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';

const MiB = 1024 * 1024;
const addon = loadNativeGzip();

function text(size: number): Uint8Array {
  const line = Buffer.from('{"layer": "text compresses well", "n": 12345}\n');
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += line.length) out.set(line.subarray(0, Math.min(line.length, size - at)), at);
  return out;
}

async function* chunksOf(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

describe('native gzip addon', () => {
  it('is built where CI says it must be', (t) => {
    if (process.env.STEVEDORE_REQUIRE_NATIVE !== '1') return t.skip('STEVEDORE_REQUIRE_NATIVE is not set');
    assert.ok(addon, 'dist/electron/native/stevedore_gzip.node did not load');
    assert.match(addon.version, /^libdeflate \d+\.\d+/);
  });

  it('refuses arguments that would make it write out of bounds', (t) => {
    if (!addon) return t.skip('the addon was not built here');
    const data = new Uint8Array(1000);
    assert.throws(() => void addon.gzip(data, new Uint8Array(10), 1), /smaller than bound/);
    assert.throws(() => void addon.gzip(data, new Uint8Array(addon.bound(1000)), 13), /level/);
    assert.throws(() => void addon.gzip(new Uint16Array(10) as unknown as Uint8Array, new Uint8Array(100), 1), /Uint8Array/);
    assert.ok(addon.bound(MiB) > MiB);
  });
});

const engines: [string, () => GzipEngine | undefined][] = [
  ['libdeflate', () => (addon ? new NativeGzip(addon, 2) : undefined)],
  ['zlib', () => new ZlibGzip(2)],
];

for (const [label, open] of engines) {
  describe(`gzip engine: ${label}`, () => {
    const engine = open();
    after(() => engine?.close());

    it('compresses a block to one gzip member that decompresses to it', async (t) => {
      if (!engine) return t.skip('the addon was not built here');
      const data = text(MiB);
      const member = await engine.gzip(data.slice(), engine.defaultLevel);
      assert.ok(member.length < data.length / 10);
      assert.deepEqual(new Uint8Array(gunzipSync(member)), data);
      assert.deepEqual(new Uint8Array(gunzipSync(await engine.gzip(new Uint8Array(0), 1))), new Uint8Array(0));
    });

    it('stores random bytes instead of searching them', async (t) => {
      if (!engine) return t.skip('the addon was not built here');
      const data = new Uint8Array(randomBytes(MiB));
      const member = await engine.gzip(data.slice(), 6);
      assert.ok(member.length < data.length + 1024, `${member.length} bytes`);
      assert.deepEqual(new Uint8Array(gunzipSync(member)), data);
    });

    it('keeps order across blocks and reuses pooled buffers', async (t) => {
      if (!engine) return t.skip('the addon was not built here');
      const data = new Uint8Array(5 * MiB + 12345);
      data.set(text(3 * MiB));
      data.set(randomBytes(2 * MiB), 3 * MiB);
      const pool = new BufferPool();
      const members: Uint8Array[] = [];
      // Members are only valid until the next is asked for: copy each.
      for await (const member of parallelGzip(chunksOf(data, 300_000), engine, { level: 1, blockSize: MiB, window: 3, pool })) members.push(member.slice());
      assert.equal(members.length, 6);
      assert.deepEqual(new Uint8Array(gunzipSync(Buffer.concat(members))), data);
    });

    it('drops queued blocks when the push is cancelled', async (t) => {
      if (!engine) return t.skip('the addon was not built here');
      const controller = new AbortController();
      const tasks = Array.from({ length: 8 }, () => engine.gzip(text(MiB), 9, { signal: controller.signal }));
      controller.abort(new Error('stop'));
      const settled = await Promise.allSettled(tasks);
      assert.ok(settled.some((s) => s.status === 'rejected'));
      assert.ok(settled.every((s) => s.status === 'fulfilled' || (s.reason as Error).message === 'stop'));
    });
  });
}

describe('zlib gzip engine', () => {
  it('writes member after member through the same zlib streams, each into a pooled buffer of its own', async () => {
    const engine = new ZlibGzip(2);
    try {
      const pool = new BufferPool();
      const blocks = [text(MiB), new Uint8Array(randomBytes(MiB)), text(MiB).reverse(), text(300_000), new Uint8Array(randomBytes(200_000)), text(MiB)];
      // Two rounds, each block against another: every member is still what it was after later members were written.
      const members: Uint8Array[] = [];
      for (let round = 0; round < 2; round++) members.push(...(await Promise.all(blocks.map((block) => engine.gzip(block, 2, { pool })))));
      members.forEach((member, i) => {
        assert.deepEqual(new Uint8Array(gunzipSync(member)), blocks[i % blocks.length], `member ${i}`);
        // A pooled buffer is a whole number of 64 KiB; zlib's own output buffer is deflateBound's size.
        assert.equal(member.buffer.byteLength % (64 * 1024), 0, `member ${i}: a ${member.buffer.byteLength}-byte buffer`);
      });
      assert.equal(new Set(members.map((m) => m.buffer)).size, members.length, 'no two members share a buffer');
    } finally {
      await engine.close();
    }
  });

  it('closes its idle zlib streams once nothing was compressed for a while, and opens them again when needed', async () => {
    const engine = new ZlibGzip(2, 50);
    try {
      const blocks = [text(MiB), text(MiB).reverse(), new Uint8Array(randomBytes(MiB))];
      await Promise.all(blocks.map((block) => engine.gzip(block, 2)));
      assert.ok(engine.idleWriters > 0, 'kept for the next block');
      const deadline = Date.now() + 10_000;
      while (engine.idleWriters > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(engine.idleWriters, 0, 'still holding idle zlib streams 10 s after the last block');
      assert.deepEqual(new Uint8Array(gunzipSync(await engine.gzip(blocks[0] as Uint8Array, 2))), blocks[0]);
    } finally {
      await engine.close();
    }
    assert.equal(engine.idleWriters, 0);
  });

  it('refuses work once closed', async () => {
    const engine = new ZlibGzip(1);
    assert.deepEqual(new Uint8Array(gunzipSync(await engine.gzip(text(1000), 2))), text(1000));
    await engine.close();
    await assert.rejects(engine.gzip(new Uint8Array(10), 1), (e: unknown) => isStevedoreError(e, 'CANCELLED'));
  });

  it('runs one compression more than there are cores, and leaves a libuv thread for file reads', () => {
    const engine = new ZlibGzip();
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    assert.equal(engine.concurrency, Math.max(1, Math.min(availableParallelism() + 1, threads - 1)));
  });
});

describe('both gzip engines decide alike (compressibility.ts)', () => {
  /** Blocks whose parts compress differently: whether each is stored must not depend on the engine. */
  const shapes: readonly (readonly [string, () => Uint8Array])[] = [
    ['text', () => text(MiB)],
    ['random', () => new Uint8Array(randomBytes(MiB))],
    // A tar holding a small jpeg among source files: sampling the middle alone stored it whole.
    ['text around random bytes in the middle', () => {
      const data = text(MiB);
      data.set(randomBytes(256 * 1024), 384 * 1024);
      return data;
    }],
    ['random around text in the middle', () => {
      const data = new Uint8Array(randomBytes(MiB));
      data.set(text(128 * 1024), 448 * 1024);
      return data;
    }],
    ['a block too small to judge', () => new Uint8Array(randomBytes(100 * 1024))],
  ];

  it('stores or compresses each shape of block the same way, and every member is exact', async (t) => {
    if (!addon) return t.skip('the addon was not built here');
    const engines = [new NativeGzip(addon, 2), new ZlibGzip(2)];
    try {
      for (const [what, make] of shapes) {
        const data = make();
        const stored: boolean[] = [];
        for (const engine of engines) {
          const member = await engine.gzip(data.slice(), engine.defaultLevel);
          assert.deepEqual(new Uint8Array(gunzipSync(member)), data, `${what}: ${engine.name}`);
          // A stored block is its bytes plus a few bytes of framing per 64 KiB; a compressed one is far smaller.
          stored.push(member.length >= data.length);
          if (what.startsWith('text')) assert.ok(member.length < data.length / 2, `${what}: ${engine.name} stored it whole: ${member.length} bytes`);
        }
        assert.equal(stored[0], stored[1], `${what}: ${engines.map((e, i) => `${e.name} ${stored[i] ? 'stored' : 'compressed'}`).join(', ')}`);
      }
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
  });

  it('the addon refuses a sample larger than 64 KiB or a limit beyond it', (t) => {
    if (!addon) return t.skip('the addon was not built here');
    const data = new Uint8Array(1000);
    const output = new Uint8Array(addon.bound(1000));
    assert.throws(() => void addon.gzip(data, output, 1, new Uint8Array(64 * 1024 + 1), 10), /sample/);
    assert.throws(() => void addon.gzip(data, output, 1, new Uint8Array(100), 101), /sampleLimit/);
  });
});

describe('native gzip engine', () => {
  it('refuses work once closed', async (t) => {
    if (!addon) return t.skip('the addon was not built here');
    const engine = new NativeGzip(addon, 1);
    await engine.close();
    await assert.rejects(engine.gzip(new Uint8Array(10), 1), (e: unknown) => isStevedoreError(e, 'CANCELLED'));
  });
});

describe('buffer pool', () => {
  it('hands a buffer back out only after it was given back, once', () => {
    const pool = new BufferPool();
    const a = pool.take(1000);
    assert.equal(a.length, 1000);
    const b = pool.take(1000);
    assert.notEqual(a.buffer, b.buffer);
    pool.give(a.subarray(10, 20));
    pool.give(a);
    const c = pool.take(900);
    assert.equal(c.buffer, a.buffer, 'a view gives back its whole buffer');
    const d = pool.take(900);
    assert.notEqual(d.buffer, a.buffer, 'given twice, handed out once');
  });

  it('ignores buffers it did not lend and ones transferred away', () => {
    const pool = new BufferPool();
    pool.give(new Uint8Array(64 * 1024));
    const lent = pool.take(64 * 1024);
    structuredClone(lent.buffer, { transfer: [lent.buffer as ArrayBuffer] });
    pool.give(lent);
    assert.equal(pool.take(64 * 1024).length, 64 * 1024);
  });

  it('keeps no more than its limit', () => {
    const pool = new BufferPool(128 * 1024);
    const taken = [pool.take(64 * 1024), pool.take(64 * 1024), pool.take(64 * 1024)];
    for (const buffer of taken) pool.give(buffer);
    const again = [pool.take(64 * 1024), pool.take(64 * 1024), pool.take(64 * 1024)].map((b) => b.buffer);
    assert.equal(again.filter((b) => taken.some((t) => t.buffer === b)).length, 2);
  });
});

describe('parallel gzip input end', () => {
  it('reports the end of its input once the last block is handed over, before the last member is read', async () => {
    const engine = new ZlibGzip(1);
    try {
      const data = text(3 * MiB + 1000);
      let ended = false;
      const endedAt: number[] = [];
      const members: Uint8Array[] = [];
      for await (const member of parallelGzip(chunksOf(data, 300_000), engine, { level: 1, blockSize: MiB, window: 2, onInputEnd: () => (ended = true) })) {
        if (ended) endedAt.push(members.length);
        members.push(member.slice());
      }
      assert.equal(members.length, 4);
      // Four blocks, two in flight: the input is known to end after the third member is read, before the fourth.
      assert.deepEqual(endedAt, [3]);
      assert.deepEqual(new Uint8Array(gunzipSync(Buffer.concat(members))), data);
    } finally {
      await engine.close();
    }
  });

  it('reports the end of its input when the reader stops early', async () => {
    const engine = new ZlibGzip(1);
    try {
      let ended = 0;
      for await (const member of parallelGzip(chunksOf(text(4 * MiB), MiB), engine, { level: 1, blockSize: MiB, window: 2, onInputEnd: () => ended++ })) {
        assert.ok(member.length > 0);
        break;
      }
      assert.equal(ended, 1);
    } finally {
      await engine.close();
    }
  });
});
