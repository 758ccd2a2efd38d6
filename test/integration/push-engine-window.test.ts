// The push keeps as many blocks of a layer in flight as the engine asks for (its window): the zlib fallback queues a
// block more than it compresses, so its cores do not wait while the main thread reads, hashes and uploads. The pushed
// image is still exactly the archive's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GzipEngine, GzipOptions } from '../../electron/core/workers/gzip-engine.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { HeldCalls } from '../harness/held-calls.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { verifyPushed } from '../harness/verify-push.js';

/**
 * zlib underneath, holding every call until `target` are pending at once (or a generous safety timeout passes), and
 * recording the most that ever were.
 */
class CountingEngine implements GzipEngine {
  readonly name = 'counting';
  readonly concurrency = 1;
  readonly defaultLevel = 1;
  readonly window = 3;
  readonly #inner = new ZlibGzip(1);
  readonly #held = new HeldCalls();
  readonly #target: number;
  #pending = 0;
  peak = 0;

  constructor(target: number) {
    this.#target = target;
  }

  async gzip(data: Uint8Array, level: number, options?: GzipOptions): Promise<Uint8Array> {
    this.#pending++;
    this.peak = Math.max(this.peak, this.#pending);
    try {
      if (this.peak < this.#target && !this.#held.gaveUp) await this.#held.hold();
      else this.#held.releaseAll();
      return await this.#inner.gzip(data, level, options);
    } finally {
      this.#pending--;
    }
  }

  close(): Promise<void> {
    this.#held.releaseAll();
    return this.#inner.close();
  }
}

describe('push and the gzip engine', () => {
  let reg: TestRegistry;
  let dir: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-window-'));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the engine's window of blocks in flight, more than it compresses at once", async () => {
    // A compressible layer of ~10 blocks (64 KiB blocks).
    const image = testImage([await layerTar('one', 640_000, 'text')]);
    const path = join(dir, 'one-layer.tar');
    await writeTar(path, legacyDockerArchive([{ image, tags: [] }]));
    const engine = new CountingEngine(3);
    const { digest } = await pushWithEngine(reg, path, 'window/one:1', { gzip: engine, settings: { blockSize: 64 * 1024 } });
    assert.equal(engine.peak, 3, "the engine's window of blocks in flight at once");
    await verifyPushed(reg, 'window/one:1', digest, [image]);
  });

  it('the zlib fallback asks for more blocks in flight than it compresses at once', () => {
    const zlib = new ZlibGzip(2);
    assert.ok(zlib.window > zlib.concurrency);
  });
});
