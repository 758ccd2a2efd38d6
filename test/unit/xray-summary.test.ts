// "Why it grew", the one line the CLI's `diff` prints and the app's Files changed view shows: sizes old → new, with
// the same arrow as every changed file's line in the app (never `->` in one place and `→` in another).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffSummary } from '../../shared/xray-summary.js';

describe('diff summary', () => {
  it('reads old → new, then the largest changes', () => {
    const line = diffSummary({ delta: 400_000, oldBytes: 1_000, newBytes: 401_000, top: [{ path: 'srv/model.bin', delta: 400_000 }] });
    assert.equal(line, '+400 kB (1.0 kB → 401 kB): /srv/model.bin +400 kB');
    assert.ok(!line.includes('->'));
    assert.equal(diffSummary({ delta: 0, oldBytes: 5, newBytes: 5, top: [] }), 'the same size');
    // Nothing differs at all (an image diffed with itself): said so, not 'the same size'.
    assert.equal(diffSummary({ delta: 0, oldBytes: 5, newBytes: 5, top: [], items: [] }), 'no file differs');
  });
});
