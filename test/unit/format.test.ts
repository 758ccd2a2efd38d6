import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatCount, formatPercent, formatRelative, plural, shortDigest, table } from '../../electron/cli/format.js';

describe('CLI formatting', () => {
  it('shows sizes in decimal units as Docker does', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 kB');
    assert.equal(formatBytes(123_456_789), '123 MB');
    assert.equal(formatBytes(2_000_000_000), '2.0 GB');
  });
  it('shows a percentage that never rounds to every byte or to none when it is neither', () => {
    assert.equal(formatPercent(50), '50.0 %');
    assert.equal(formatPercent(100), '100.0 %');
    assert.equal(formatPercent(0), '0.0 %');
    assert.equal(formatPercent(99.998), '> 99.9 %');
    assert.equal(formatPercent(99.998, 2), '> 99.99 %');
    assert.equal(formatPercent(0.004), '< 0.1 %');
    assert.equal(formatPercent(0.004, 2), '< 0.01 %');
    assert.equal(formatPercent(99.94), '99.9 %');
  });
  it('shows dates relative to now', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    assert.equal(formatRelative('2026-01-09T00:00:00Z', now), '1 day ago');
    assert.equal(formatRelative('2025-01-10T00:00:00Z', now), '1 year ago');
    assert.equal(formatRelative(undefined, now), '-');
  });
  it('groups counts with commas exactly as toLocaleString("en-US") does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 150_000, 999_999, 1_000_000, 123_456_789, Number.MAX_SAFE_INTEGER, -1, -1234, -999_999, 1.5, 1e21]) {
      assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
    }
    assert.equal(plural(1, 'layer'), '1 layer');
    assert.equal(plural(150_000, 'tag'), '150,000 tags');
  });
  it('shortens digests and aligns tables', () => {
    assert.equal(shortDigest(`sha256:${'ab'.repeat(32)}`), 'sha256:abababababab');
    assert.equal(table(['A', 'BB'], [['xxx', 'y']]), 'A    BB\nxxx  y');
  });
});

describe('counts', () => {
  it('groups thousands as toLocaleString(en-US) does', () => {
    for (const n of [0, 1, 12, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567_890, -1234, Number.MAX_SAFE_INTEGER]) assert.equal(formatCount(n), n.toLocaleString('en-US'));
    assert.equal(plural(1, 'layer'), '1 layer');
    assert.equal(plural(1000, 'tag'), '1,000 tags');
  });
});
