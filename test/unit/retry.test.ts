import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY, backoffDelay, isRetryableError, isRetryableStatus, parseRetryAfter, sleep } from '../../electron/core/http/retry.js';

describe('retry policy', () => {
  it('retries the statuses and errors that are transient', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
    for (const s of [200, 400, 401, 403, 404, 413]) assert.ok(!isRetryableStatus(s), String(s));
    assert.ok(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' })));
    assert.ok(!isRetryableError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' })));
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffDelay(DEFAULT_RETRY, 1, () => 0), 125);
    assert.equal(backoffDelay(DEFAULT_RETRY, 1, () => 1), 250);
    assert.equal(backoffDelay(DEFAULT_RETRY, 3, () => 1), 1000);
    assert.equal(backoffDelay(DEFAULT_RETRY, 30, () => 1), DEFAULT_RETRY.maxDelayMs);
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10_000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it('sleeps until aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
  });
});
