// Tar entries produced at once but finishing in any order come out as the same bytes as written one after another:
// an entry ahead of its turn waits in a spool file, one still being produced when its turn comes continues straight
// into the tar, and no spool file is left after commit or discard.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { addInOrder, type OrderedEntry } from '../../electron/core/export/ordered-entries.js';
import { TarFile } from '../../electron/core/export/tar-file.js';

/** An entry of `chunks` random chunks, each after `delayMs`. */
function entry(name: string, chunks: number, delayMs: number, log: string[]): OrderedEntry & { bytes: Buffer[] } {
  const bytes = Array.from({ length: chunks }, (_, i) => randomBytes(1000 + i * 333));
  return {
    name,
    bytes,
    chunks: async function* (signal) {
      for (const chunk of bytes) {
        await sleep(delayMs, undefined, { signal });
        yield chunk;
      }
      log.push(name);
    },
  };
}

describe('tar entries written in order while produced at once', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-ordered-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the bytes of one entry after another, whatever order they finish in', async () => {
    const finished: string[] = [];
    // The first is slow: the second finishes first and waits in a spool file; the third is still being produced
    // when the first is done, and continues straight into the tar after what it spooled.
    const entries = [entry('slow', 6, 15, finished), entry('fast', 3, 1, finished), entry('middle', 12, 10, finished)];
    const out = await mkdtemp(join(dir, 'at-once-'));
    const tar = await TarFile.create(join(out, 'at-once.tar'));
    await addInOrder(tar, entries, 3, new AbortController().signal);
    await tar.commit();
    assert.deepEqual(finished, ['fast', 'slow', 'middle']);
    assert.deepEqual(await readdir(out), ['at-once.tar'], 'no spool file left');

    const one = await TarFile.create(join(dir, 'one-by-one.tar'));
    for (const e of entries) await one.addStream(e.name, e.bytes);
    await one.commit();
    assert.ok((await readFile(join(out, 'at-once.tar'))).equals(await readFile(join(dir, 'one-by-one.tar'))));
  });

  it('stops the others when one fails, and discard leaves no spool file', async () => {
    const out = await mkdtemp(join(dir, 'failing-'));
    const tar = await TarFile.create(join(out, 'failing.tar'));
    let stopped = false;
    const forever: OrderedEntry = {
      name: 'forever',
      chunks: async function* (signal) {
        try {
          for (;;) {
            await sleep(5, undefined, { signal });
            yield randomBytes(100);
          }
        } finally {
          stopped = signal.aborted;
        }
      },
    };
    const spooled = entry('spooled', 2, 1, []);
    const failing: OrderedEntry = {
      name: 'failing',
      chunks: async function* () {
        await sleep(40);
        yield randomBytes(10);
        throw new Error('broken layer');
      },
    };
    await assert.rejects(addInOrder(tar, [forever, spooled, failing], 3, new AbortController().signal), /broken layer/);
    assert.ok(stopped, 'the entry in flight saw the abort');
    assert.ok((await readdir(out)).some((n) => /\.partial\.\d+$/.test(n)), 'the finished entry waited in a spool file');
    await tar.discard();
    assert.deepEqual(await readdir(out), []);
  });
});
