import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformImage } from '../../shared/image.js';
import { compareLayers } from '../../electron/core/image/compare.js';
import { fitToDisplays } from '../../electron/main/window-state.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const image = (digest: string, layers: [string, number][]): PlatformImage => ({
  platform: { os: 'linux', architecture: 'amd64' },
  digest,
  mediaType: 'x',
  configDigest: d('f'),
  layers: layers.map(([l, size]) => ({ digest: d(l), size, mediaType: 'x' })),
  size: 0,
  isAttestation: false,
});

describe('compareLayers', () => {
  it('splits shared and unique bytes and says what each pull costs', () => {
    const a = image(d('a'), [['1', 100], ['2', 50]]);
    const b = image(d('b'), [['1', 100], ['3', 300]]);
    const result = compareLayers([
      { label: 'a', image: a, commands: ['FROM base', 'COPY app'] },
      { label: 'b', image: b },
    ]);
    assert.deepEqual(result.images.map((i) => [i.sharedBytes, i.uniqueBytes, i.totalSize]), [[100, 50, 150], [100, 300, 400]]);
    assert.deepEqual(result.layers.map((l) => [l.size, l.presentIn]), [[100, [true, true]], [50, [true, false]], [300, [false, true]]]);
    assert.equal(result.layers[0]?.createdBy, 'FROM base');
    assert.deepEqual(result.pull, [[0, 300], [50, 0]]);
  });

  it("counts each image's config in its total and its pull cost, as the tag list does, but lists layers only", () => {
    const withConfig = (digest: string, config: string, configSize: number, layers: [string, number][]): PlatformImage => ({
      ...image(digest, layers),
      configDigest: d(config),
      size: configSize + layers.reduce((sum, [, size]) => sum + size, 0),
    });
    const a = withConfig(d('a'), 'c', 7, [['1', 100], ['2', 50]]);
    const b = withConfig(d('b'), 'e', 9, [['1', 100], ['3', 300]]);
    const result = compareLayers([
      { label: 'a', image: a },
      { label: 'b', image: b },
    ]);
    assert.deepEqual(result.images.map((i) => i.totalSize), [a.size, b.size]);
    assert.deepEqual(result.images.map((i) => [i.sharedBytes, i.uniqueBytes]), [[100, 57], [100, 309]]);
    assert.deepEqual(result.layers.map((l) => l.size), [100, 50, 300]);
    assert.deepEqual(result.pull, [[0, 309], [57, 0]]);
    // One config in both (the same image twice): shared, and nothing to pull.
    const same = compareLayers([{ label: 'a', image: a }, { label: 'a again', image: a }]);
    assert.deepEqual(same.images.map((i) => [i.sharedBytes, i.uniqueBytes, i.totalSize]), [[157, 0, 157], [157, 0, 157]]);
    assert.deepEqual(same.pull, [[0, 0], [0, 0]]);
  });
});

describe('fitToDisplays', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };
  it('keeps a visible position and a size that fits', () => {
    assert.deepEqual(fitToDisplays({ x: 100, y: 100, width: 1280, height: 800 }, [screen]), { x: 100, y: 100, width: 1280, height: 800 });
    assert.deepEqual(fitToDisplays({ x: 0, y: 0, width: 5000, height: 5000 }, [screen]), { x: 0, y: 0, width: 1920, height: 1080 });
  });
  it('drops a position on a display that is gone', () => {
    assert.deepEqual(fitToDisplays({ x: 3000, y: 100, width: 1000, height: 700 }, [screen]), { width: 1000, height: 700 });
  });
});
