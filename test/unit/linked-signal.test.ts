// The per-request signal: aborts with any source, carries its reason, and lets go of the sources when done, so a
// host's long-lived signals do not collect one dependent per request (AbortSignal.any does, on Node 20).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { linkSignals } from '../../electron/core/linked-signal.js';

describe('linkSignals', () => {
  it('aborts with the first source that does, with its reason', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, undefined, b.signal]);
    b.abort(new Error('socket closed'));
    assert.equal(linked.signal.aborted, true);
    assert.equal((linked.signal.reason as Error).message, 'socket closed');
    linked.done();
  });

  it('starts aborted when a source already is', () => {
    const a = new AbortController();
    a.abort(new Error('closing'));
    assert.equal(linkSignals([a.signal]).signal.aborted, true);
  });

  it('leaves no listener on the sources once done, however many requests passed', () => {
    const host = new AbortController();
    for (let i = 0; i < 10_000; i++) linkSignals([host.signal]).done();
    assert.equal(getEventListeners(host.signal, 'abort').length, 0);
    const last = linkSignals([host.signal]);
    last.done();
    host.abort();
    assert.equal(last.signal.aborted, false);
  });
});
