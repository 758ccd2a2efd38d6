// Tag order: versions by their numbers and semver pre-release rules, everything else naturally.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTagNames, sortTagNames } from '../../shared/tag-order.js';

describe('tag order', () => {
  it('puts 1.10 after 1.9 and pre-releases before their release', () => {
    assert.deepEqual(sortTagNames(['1.10', '1.9', '1.0.0', '1.0.0-rc.10', '1.0.0-rc.2', '1.0.0-alpha', 'v1.2', '0.9.1', '2']), [
      '0.9.1',
      '1.0.0-alpha',
      '1.0.0-rc.2',
      '1.0.0-rc.10',
      '1.0.0',
      'v1.2',
      '1.9',
      '1.10',
      '2',
    ]);
  });

  it('orders words and builds naturally, after versions', () => {
    assert.deepEqual(sortTagNames(['latest', 'build-10', 'build-9', '1.0', 'main']), ['1.0', 'build-9', 'build-10', 'latest', 'main']);
  });

  it('is antisymmetric and stable for equal versions written differently', () => {
    assert.ok(compareTagNames('1.0', '1.0.0') !== 0);
    assert.equal(Math.sign(compareTagNames('1.0', '1.0.0')), -Math.sign(compareTagNames('1.0.0', '1.0')));
  });

  it('sorts 150,000 tags', () => {
    const tags = Array.from({ length: 150_000 }, (_, i) => `${i % 7}.${i % 101}.${i}`);
    const sorted = sortTagNames(tags);
    assert.equal(sorted.length, tags.length);
    assert.equal(sorted[0], '0.0.0');
    let last = 0;
    for (let i = 0; i < tags.length; i++) if (i % 7 === 6 && i % 101 === 100) last = i;
    assert.equal(sorted.at(-1), `6.100.${last}`);
    for (let i = 1; i < sorted.length; i++) assert.ok(compareTagNames(sorted[i - 1] as string, sorted[i] as string) <= 0);
  });
});
