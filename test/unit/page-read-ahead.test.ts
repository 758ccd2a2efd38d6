import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageReadAhead } from '../../electron/host/page-read-ahead.js';

/** A fetch that settles only when its signal aborts, recording why. */
function pendingFetch(reasons: unknown[]): (signal: AbortSignal) => Promise<string> {
  return (signal) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        reasons.push(signal.reason);
        reject(signal.reason as Error);
      });
    });
}

describe('page read-ahead', () => {
  it('hands a page over once, and starts a key only once', async () => {
    const ahead = new PageReadAhead<string>();
    let fetches = 0;
    ahead.start('r\u0000a', async () => `page ${++fetches}`);
    ahead.start('r\u0000a', async () => `page ${++fetches}`);
    assert.equal(await ahead.take('r\u0000a'), 'page 1');
    assert.equal(ahead.take('r\u0000a'), undefined);
    assert.equal(fetches, 1);
  });

  it('the taker cancels the page it took', async () => {
    const ahead = new PageReadAhead<string>();
    const reasons: unknown[] = [];
    ahead.start('k', pendingFetch(reasons));
    const taker = new AbortController();
    const page = ahead.take('k', taker.signal);
    taker.abort(new Error('user left'));
    await assert.rejects(page!, /user left/);
  });

  it('abandons pages of a walk started afresh, and pages nobody claims', async () => {
    const ahead = new PageReadAhead<string>(20);
    const reasons: unknown[] = [];
    ahead.start('reg1\u0000x', pendingFetch(reasons));
    ahead.start('reg2\u0000x', pendingFetch(reasons));
    ahead.dropWhere('reg1\u0000');
    assert.equal(ahead.take('reg1\u0000x'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(ahead.take('reg2\u0000x'), undefined);
    assert.deepEqual(reasons.map((r) => (r as { code?: string }).code), ['CANCELLED', 'CANCELLED']);
  });
});
