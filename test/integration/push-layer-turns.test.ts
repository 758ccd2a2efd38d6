// Layers compressed on the way take turns at the compressors: a layer's turn ends once its input is read (its last
// blocks may still compress, its upload still finish), and an engine may ask for two layers at once (the zlib
// fallback), so the compressors do not wait while one layer waits for the registry. The pushed image is still
// exactly the archive's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GzipEngine, GzipOptions } from '../../electron/core/workers/gzip-engine.js';
import { NativeGzip, loadNativeGzip } from '../../electron/core/workers/native-gzip.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { HeldCalls } from '../harness/held-calls.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { verifyPushed } from '../harness/verify-push.js';

const BLOCK = 64 * 1024;

/**
 * zlib underneath; the blocks `hold` picks wait until a block of the other layer (`other`) reaches the engine, or a
 * generous safety timeout passes (then `overlapped` stays false and the assertion tells). A picked block that arrives
 * after the other layer's first one overlapped too.
 */
class HoldingEngine implements GzipEngine {
  readonly name = 'holding';
  readonly concurrency = 1;
  readonly defaultLevel = 1;
  readonly window = 2;
  readonly streams: number;
  readonly #inner = new ZlibGzip(1);
  readonly #hold: (block: Uint8Array) => boolean;
  readonly #other: (block: Uint8Array) => boolean;
  readonly #held = new HeldCalls();
  #otherSeen = false;
  overlapped = false;

  constructor(streams: number, hold: (block: Uint8Array) => boolean, other: (block: Uint8Array) => boolean) {
    this.streams = streams;
    this.#hold = hold;
    this.#other = other;
  }

  async gzip(data: Uint8Array, level: number, options?: GzipOptions): Promise<Uint8Array> {
    if (this.#other(data)) {
      this.#otherSeen = true;
      this.overlapped ||= this.#held.count > 0;
      this.#held.releaseAll();
    } else if (this.#hold(data)) {
      // The other layer reached the engine first (two layers read at once, either may be read first): while one
      // layer holds the only turn, the other cannot send a block before the first has handed over all of its own.
      if (this.#otherSeen) this.overlapped = true;
      else if (!this.overlapped && !this.#held.gaveUp) await this.#held.hold();
    }
    return this.#inner.gzip(data, level, options);
  }

  close(): Promise<void> {
    this.#held.releaseAll();
    return this.#inner.close();
  }
}

const has = (block: Uint8Array, text: string): boolean => Buffer.from(block.buffer, block.byteOffset, block.byteLength).includes(text);

describe('push: layers take turns at the compressors', () => {
  let reg: TestRegistry;
  let dir: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-turns-'));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const twoLayers = async (name: string): Promise<{ path: string; image: ReturnType<typeof testImage>; bigLength: number }> => {
    // The larger layer goes first (~10 blocks), the smaller one after it (~4 blocks); their text tells them apart.
    const big = await layerTar('big', 620_000, 'text');
    const small = await layerTar('small', 230_000, 'text');
    const image = testImage([big, small]);
    const path = join(dir, `${name}.tar`);
    await writeTar(path, legacyDockerArchive([{ image, tags: [] }]));
    return { path, image, bigLength: big.length };
  };

  it("starts the next layer once a layer's input is read, before its last block is compressed and uploaded", async () => {
    const { path, image, bigLength } = await twoLayers('input-end');
    assert.notEqual(bigLength % BLOCK, 0);
    // The big layer's last (short) block waits for the small layer's first block: only a turn that ends with the
    // input lets the small layer start while the big one's upload cannot finish.
    const lastOfBig = (block: Uint8Array): boolean => block.length === bigLength % BLOCK && has(block, 'big line');
    const engine = new HoldingEngine(1, lastOfBig, (block) => has(block, 'small line'));
    const { digest } = await pushWithEngine(reg, path, 'turns/input-end:1', { gzip: engine, settings: { blockSize: BLOCK } });
    assert.ok(engine.overlapped, "the small layer's blocks reached the engine while the big layer's last block was held");
    await verifyPushed(reg, 'turns/input-end:1', digest, [image]);
  });

  it('reads two layers into the compressors at once when the engine asks for two', async () => {
    const { path, image } = await twoLayers('two-streams');
    // Every block of the big layer waits for a block of the small one: only a second turn lets the small one in.
    const engine = new HoldingEngine(2, (block) => has(block, 'big line'), (block) => has(block, 'small line'));
    const { digest } = await pushWithEngine(reg, path, 'turns/two:1', { gzip: engine, settings: { blockSize: BLOCK } });
    assert.ok(engine.overlapped, "the small layer's blocks reached the engine while the big layer's were held");
    await verifyPushed(reg, 'turns/two:1', digest, [image]);
  });

  it('both engines ask for two layers at once', (t) => {
    assert.equal(new ZlibGzip(2).streams, 2);
    const addon = loadNativeGzip();
    if (!addon) return t.skip('the addon was not built here');
    assert.equal(new NativeGzip(addon, 2).streams, 2);
  });
});
