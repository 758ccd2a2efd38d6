// One listener on a shared signal, however many requests hang off it.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { onAbort } from '../../electron/core/abort-fanout.js';
import { linkSignals } from '../../electron/core/linked-signal.js';

describe('abort fan-out', () => {
  it('adds one listener to the shared signal for any number of children and aborts them all with its reason', () => {
    const parent = new AbortController();
    const children = Array.from({ length: 50 }, () => linkSignals([parent.signal]));
    assert.equal(getEventListeners(parent.signal, 'abort').length, 1);
    parent.abort(new Error('stop'));
    for (const child of children) assert.equal((child.signal.reason as Error).message, 'stop');
  });

  it('removes its listener when every child is released', () => {
    const parent = new AbortController();
    const children = Array.from({ length: 5 }, () => linkSignals([parent.signal]));
    for (const child of children) child.done();
    assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
    const called: number[] = [];
    const off = onAbort(parent.signal, () => called.push(1));
    onAbort(parent.signal, () => called.push(2));
    off();
    parent.abort();
    assert.deepEqual(called, [2]);
  });
});
