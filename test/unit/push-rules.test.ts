import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArchiveImage } from '../../shared/archive.js';
import { pushTargets } from '../../electron/cli/commands/push.js';
import { parseSize } from '../../electron/core/size.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { blocks } from '../../electron/core/push/parallel-gzip.js';
import { rangeEnd } from '../../electron/core/registry/upload-session.js';

const image = (id: number, names: string[]): ArchiveImage => ({ id, names, kind: 'manifest', platforms: [] });

describe('push rules', () => {
  it('reads Range headers, with 0-0 as an empty session', () => {
    assert.equal(rangeEnd('0-1048575'), 1048575);
    assert.equal(rangeEnd('bytes=0-99'), 99);
    assert.equal(rangeEnd('0-0'), -1);
    assert.equal(rangeEnd('junk'), undefined);
  });

  it('reads sizes', () => {
    assert.equal(parseSize('8M'), 8 * 1024 * 1024);
    assert.equal(parseSize('512k'), 512 * 1024);
    assert.equal(parseSize('100'), 100);
    assert.throws(() => parseSize('lots'), /not a size/);
  });

  it('pushes to the names stored in the archive, or to the reference given', () => {
    const one = [image(0, ['localhost:5000/app:1', 'localhost:5000/app:latest'])];
    assert.deepEqual(
      pushTargets(one, undefined, { all: false }).map((t) => `${t.target.registry}/${t.target.repository}:${t.target.tag}`),
      ['localhost:5000/app:1', 'localhost:5000/app:latest'],
    );
    assert.deepEqual(
      pushTargets(one, 'reg.example/other', { all: false }).map((t) => t.target.tag),
      ['1', 'latest'],
    );
    assert.deepEqual(
      pushTargets([image(0, [])], 'reg.example/other', { all: false }).map((t) => t.target.tag),
      ['latest'],
    );
  });

  it('asks for a reference when the archive name has no repository, and for a choice among several images', () => {
    assert.throws(() => pushTargets([image(0, ['v1'])], undefined, { all: false }), (e: unknown) => isStevedoreError(e, 'CONFIG') && /without a repository/.test(e.message));
    assert.throws(() => pushTargets([image(0, ['a/b:1']), image(1, ['a/c:1'])], 'r.io/x:1', { all: false }), /--image N/);
    assert.equal(pushTargets([image(0, ['a/b:1']), image(1, ['a/c:1'])], 'r.io/x:1', { all: false, image: 1 })[0]?.image.id, 1);
    assert.throws(() => pushTargets([image(0, [])], 'r.io/x', { all: false, image: 3 }), /no image 3/);
  });

  it('re-slices a stream into exact blocks', async () => {
    async function* input(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5);
      yield new Uint8Array(7);
      yield new Uint8Array(1);
    }
    const sizes: number[] = [];
    for await (const block of blocks(input(), 4)) sizes.push(block.length);
    assert.deepEqual(sizes, [4, 4, 4, 1]);
  });

  it('refuses a block size of no bytes instead of yielding empty blocks forever', async () => {
    async function* input(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5);
    }
    let yielded = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of blocks(input(), 0)) if (++yielded > 10) break;
      })(),
      (e: unknown) => isStevedoreError(e, 'INVALID_ARGUMENT'),
    );
    assert.equal(yielded, 0);
  });
});

describe('packaged workers', () => {
  it('load from app.asar.unpacked, never from inside the asar', async () => {
    const { unpackedUrl } = await import('../../electron/core/workers/pool.js');
    assert.equal(unpackedUrl(new URL('file:///opt/Stevedore/resources/app.asar/dist/electron/core/workers/compress-worker.js')).href, 'file:///opt/Stevedore/resources/app.asar.unpacked/dist/electron/core/workers/compress-worker.js');
    assert.equal(unpackedUrl(new URL('file:///work/dist/electron/core/workers/compress-worker.js')).href, 'file:///work/dist/electron/core/workers/compress-worker.js');
  });
});

describe('limiter', () => {
  it('runs at most its limit at once and drops a task cancelled while it waits', async () => {
    const { Limiter } = await import('../../electron/core/concurrency.js');
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const task = (): Promise<void> =>
      new Promise<void>((resolve) => {
        running++;
        most = Math.max(most, running);
        gates.push(() => {
          running--;
          resolve();
        });
      });
    const controller = new AbortController();
    const first = [limiter.run(task), limiter.run(task)];
    const cancelled = limiter.run(task, controller.signal);
    const last = limiter.run(task);
    controller.abort(new Error('cancelled'));
    await assert.rejects(cancelled, /cancelled/);
    while (gates.length > 0 || running > 0) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all([...first, last]);
    assert.equal(most, 2);
  });

  it('acquire holds a slot until its release is called, and a second call frees nothing more', async () => {
    const { Limiter } = await import('../../electron/core/concurrency.js');
    const limiter = new Limiter(1);
    const release = await limiter.acquire();
    let second = false;
    const waiting = limiter.acquire().then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(second, false, 'the only slot is held');
    release();
    const releaseSecond = await waiting;
    // Released again: must not hand the slot the second holder still has to a third.
    release();
    let third = false;
    const thirdWaiting = limiter.acquire().then((r) => {
      third = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false, 'a repeated release freed a slot it no longer held');
    releaseSecond();
    (await thirdWaiting)();
  });
});
