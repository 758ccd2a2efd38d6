// The merged-view cache: a warm run is one file read (no layer index), a hit is what a miss computes, a bad file of
// any kind is detected, removed and rebuilt, the key holds the layers' order, and the file lives under the cache's
// size limit like the layer indexes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { LayerEntry, LayerIndex } from '../../shared/xray.js';
import { LayerIndexCache } from '../../electron/core/xray/index-cache.js';
import type { XrayImageSource } from '../../electron/core/xray/image-source.js';
import { MERGED_MAGIC, encodeMergedView, mergedKey } from '../../electron/core/xray/merged-codec.js';
import { mergedImage, type MergedImage } from '../../electron/core/xray/merged-image.js';
import { mergedView } from '../../electron/core/xray/views.js';

const cacheModule = fileURLToPath(new URL('../../electron/core/xray/index-cache.js', import.meta.url));
const hex = (n: number): string => n.toString(16).padStart(64, '0');
const file = (path: string, size: number, extra: Partial<LayerEntry> = {}): LayerEntry => ({ path, kind: 'file', size, mode: 0o644, uid: 0, gid: 0, sha256: hex(size), ...extra });

/** Three layers: a base, one that overwrites and deletes, one with a hard link, a symlink and an opaque directory. */
const LAYERS: readonly LayerIndex[] = [
  {
    digest: `sha256:${hex(1)}`,
    diffId: `sha256:${hex(101)}`,
    tarSize: 10_000,
    entries: [
      { path: 'etc', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
      file('etc/os-release', 40),
      { path: 'opt/cache', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
      file('opt/cache/a', 500),
      file('opt/cache/b', 300),
      file('var/log/old.log', 2000, { uid: 1000, gid: 1000 }),
      file('shared', 7),
    ],
  },
  {
    digest: `sha256:${hex(2)}`,
    diffId: `sha256:${hex(102)}`,
    tarSize: 20_000,
    entries: [file('etc/os-release', 60), file('var/log/.wh.old.log', 0), file('usr/lib/big.bin', 9000, { mode: 0o755 }), file('shared', 11)],
  },
  {
    digest: `sha256:${hex(3)}`,
    diffId: `sha256:${hex(103)}`,
    tarSize: 30_000,
    entries: [
      file('opt/cache/.wh..wh..opq', 0),
      file('opt/cache/c', 50),
      { path: 'usr/lib/hard', kind: 'hardlink', size: 0, mode: 0o755, uid: 0, gid: 0, link: 'usr/lib/big.bin' },
      { path: 'bin/sh', kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: 'busybox' },
      { path: 'weird name\u202e', kind: 'file', size: 1, mode: 0o600, uid: 2 ** 33, gid: 5 },
    ],
  },
];

/** An image of these layers whose blobs can never be read: everything must come from the cache. */
function sourceOf(layers: readonly LayerIndex[]): XrayImageSource {
  return {
    name: 'test/image:1',
    platform: { os: 'linux', architecture: 'amd64' },
    layers: layers.map((l) => ({ key: l.digest, diffId: l.diffId, size: l.tarSize / 2 })),
    readLayers: () => Promise.reject(new Error('a layer was read')),
  };
}

/** Counts the layer indexes read. */
class CountingCache extends LayerIndexCache {
  indexReads = 0;
  override get(key: string): Promise<LayerIndex | undefined> {
    this.indexReads++;
    return super.get(key);
  }
}

async function seeded(dir: string, options: { maxBytes?: number } = {}): Promise<CountingCache> {
  const cache = new CountingCache(dir, options);
  for (const layer of LAYERS) await cache.put([layer.digest, layer.diffId], layer);
  return cache;
}

/** What the image would show computed from the layer indexes, the way it was before there was a merged cache. */
function expected(layers: readonly LayerIndex[]): Pick<MergedImage, 'files' | 'totals'> {
  const { files, totals } = mergedView(layers);
  return { files, totals };
}

const shown = (image: MergedImage): unknown => ({ name: image.name, layers: image.layers, files: image.files, totals: [...image.totals], cached: image.cached });

/** The file with `edit` applied to its body and the checksum made right again: well sealed, bad inside. */
function reseal(bytes: Buffer, edit: (body: Buffer, columnsAt: number, count: number, idBytes: number) => Buffer): Buffer {
  const firstLine = MERGED_MAGIC.length + 1 + 64 + 1;
  const body = Buffer.from(bytes.subarray(firstLine));
  const newline = body.indexOf(0x0a);
  const header = JSON.parse(body.toString('utf8', 0, newline)) as { count: number; idBytes: number };
  const edited = edit(body, newline + 1, header.count, header.idBytes);
  return Buffer.concat([Buffer.from(`${MERGED_MAGIC} ${createHash('sha256').update(edited).digest('hex')}\n`, 'latin1'), edited]);
}

describe('merged-view cache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-xray-merged-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a hit gives what the miss computed, and reads no layer index', async () => {
    const cache = await seeded(join(dir, 'hit'));
    const miss = await mergedImage(sourceOf(LAYERS), { cache });
    assert.equal(cache.indexReads, LAYERS.length, 'the miss read every layer index');
    assert.deepEqual({ files: miss.files, totals: miss.totals }, expected(LAYERS));
    assert.ok(existsSync(cache.mergedPathOf(mergedKey(sourceOf(LAYERS).layers))), 'the merged view was stored');
    cache.indexReads = 0;
    const hit = await mergedImage(sourceOf(LAYERS), { cache });
    assert.equal(cache.indexReads, 0, 'the hit read no layer index');
    assert.deepEqual(shown(hit), shown(miss));
    // The same objects, key for key in the same order: what --json prints is the same text.
    assert.equal(JSON.stringify(hit.files), JSON.stringify(miss.files));
    assert.equal(hit.cached, LAYERS.length);
  });

  it('the same layers in another order are another merged view', async () => {
    const cache = await seeded(join(dir, 'order'));
    const reversed = [...LAYERS].reverse();
    assert.notEqual(mergedKey(sourceOf(LAYERS).layers), mergedKey(sourceOf(reversed).layers));
    const forward = await mergedImage(sourceOf(LAYERS), { cache });
    const backward = await mergedImage(sourceOf(reversed), { cache });
    assert.deepEqual({ files: backward.files, totals: backward.totals }, expected(reversed));
    assert.notDeepEqual(backward.files, forward.files, 'the order changes what wins');
    cache.indexReads = 0;
    assert.deepEqual(shown(await mergedImage(sourceOf(reversed), { cache })), shown(backward));
    assert.deepEqual(shown(await mergedImage(sourceOf(LAYERS), { cache })), shown(forward));
    assert.equal(cache.indexReads, 0);
    // A file copied under another image's name is not that image's view.
    const other = mergedKey(sourceOf(reversed).layers);
    await writeFile(cache.mergedPathOf(other), await readFile(cache.mergedPathOf(mergedKey(sourceOf(LAYERS).layers))));
    assert.equal(await cache.getMerged(other), undefined);
  });

  const corruptions: readonly (readonly [string, (bytes: Buffer) => Buffer])[] = [
    ['a flipped byte', (b) => Buffer.from(b).fill(b[b.length - 3] === 0x20 ? 0x21 : 0x20, b.length - 3, b.length - 2)],
    ['a truncated file', (b) => b.subarray(0, b.length >> 1)],
    ['an empty file', () => Buffer.alloc(0)],
    ['another format', (b) => Buffer.concat([Buffer.from('stevedore-xray-2'), b.subarray(MERGED_MAGIC.length)])],
    // Sealed again with a good checksum: the fields themselves are checked.
    ['a layer number beyond the image', (b) => reseal(b, (body, at, count, idBytes) => (body.writeUInt32LE(99, at + (16 + 2 * idBytes) * count), body))],
    ['a negative size', (b) => reseal(b, (body, at) => (body.writeDoubleLE(-1, at), body))],
    ['a fractional directory total', (b) => reseal(b, (body, at, count) => (body.writeDoubleLE(0.5, at + 8 * count), body))],
    ['unsorted paths', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace('"etc"', '"zzz"'), 'latin1'))],
    ['a count that does not match the columns', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace(/"count":(\d+)/, (_m, n: string) => `"count":${Number(n) + 1}`), 'latin1'))],
    // Same lengths and still sorted: only the rules for paths can tell.
    ['a path with ..', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace('"etc/os-release"', '"etc/../release"'), 'latin1'))],
    ['a path with NUL', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace('"etc/os-release"', '"etc/\\u0000ease"'), 'latin1'))],
    ['a symlink target with NUL', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace('"busybox"', '"b\\u0000"'), 'latin1'))],
    ['a header of the wrong shape', (b) => reseal(b, (body) => Buffer.from(body.toString('latin1').replace('"entries":', '"entriez":'), 'latin1'))],
  ];
  for (const [what, corrupt] of corruptions) {
    it(`${what} is detected, removed and rebuilt, with the same result`, async () => {
      const cache = await seeded(join(dir, what.replaceAll(' ', '-')));
      const source = sourceOf(LAYERS);
      const first = await mergedImage(source, { cache });
      const path = cache.mergedPathOf(mergedKey(source.layers));
      await writeFile(path, corrupt(await readFile(path)));
      assert.equal(await cache.getMerged(mergedKey(source.layers)), undefined, 'detected');
      assert.equal(existsSync(path), false, 'removed');
      cache.indexReads = 0;
      const rebuilt = await mergedImage(source, { cache });
      assert.equal(cache.indexReads, LAYERS.length, 'rebuilt from the layer indexes');
      assert.deepEqual(shown(rebuilt), shown(first));
      assert.ok(await cache.getMerged(mergedKey(source.layers)), 'stored again');
    });
  }

  it('a FIFO or a link to an endless device at its path is a miss, removed, and the view is rebuilt', { skip: process.platform === 'win32', timeout: 20_000 }, async () => {
    for (const kind of ['fifo', 'zero'] as const) {
      const cache = await seeded(join(dir, kind));
      const source = sourceOf(LAYERS);
      const path = cache.mergedPathOf(mergedKey(source.layers));
      if (kind === 'fifo') await promisify(execFile)('mkfifo', [path]);
      else await symlink('/dev/zero', path);
      const image = await mergedImage(source, { cache });
      assert.deepEqual({ files: image.files, totals: image.totals }, expected(LAYERS));
      assert.ok(await cache.getMerged(mergedKey(source.layers)), `${kind}: replaced by the view`);
    }
  });

  it('two processes writing the same merged view at once leave one whole, valid file', async () => {
    const root = join(dir, 'two');
    const key = mergedKey(sourceOf(LAYERS).layers);
    const view = expected(LAYERS);
    const stored = { files: view.files, totals: [...view.totals], layers: LAYERS.map((l) => ({ digest: l.digest, diffId: l.diffId, tarSize: l.tarSize, entries: l.entries.length })) };
    const script = `
      import { LayerIndexCache } from ${JSON.stringify(cacheModule)};
      const stored = ${JSON.stringify(stored)};
      const cache = new LayerIndexCache(${JSON.stringify(root)});
      for (let round = 0; round < 30; round++) await cache.putMerged(${JSON.stringify(key)}, { ...stored, totals: new Map(stored.totals) });`;
    const run = (): Promise<unknown> => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    await Promise.all([run(), run()]);
    const cache = new LayerIndexCache(root);
    const read = await cache.getMerged(key);
    assert.deepEqual(read && { files: read.files, totals: read.totals }, view);
    assert.deepEqual(await readdir(cache.dir), [`merged-${key.replace(':', '-')}`]);
  });

  it('counts against the size limit and goes least recently used first', async () => {
    const images = [LAYERS, [...LAYERS].reverse(), [LAYERS[1], LAYERS[0], LAYERS[2]] as LayerIndex[]].map(sourceOf);
    const paths = images.map((image) => join(dir, 'limit', 'xray', 'v2', `merged-${mergedKey(image.layers).replace(':', '-')}`));
    const probe = await seeded(join(dir, 'probe'));
    let mergedBytes = 0;
    for (const image of images) {
      await mergedImage(image, { cache: probe });
      mergedBytes = Math.max(mergedBytes, (await readFile(probe.mergedPathOf(mergedKey(image.layers)))).length);
    }
    const indexBytes = (await Promise.all((await readdir(probe.dir)).filter((n) => !n.startsWith('merged-')).map(async (n) => (await readFile(join(probe.dir, n))).length))).reduce((a, b) => a + b, 0);
    // Room for every layer index and two merged views, not three.
    const cache = await seeded(join(dir, 'limit'), { maxBytes: indexBytes + 2.5 * mergedBytes });
    assert.equal(cache.mergedPathOf(mergedKey(images[0]?.layers ?? [])), paths[0]);
    await mergedImage(images[0] as XrayImageSource, { cache });
    await mergedImage(images[1] as XrayImageSource, { cache });
    const old = Date.now() / 1000 - 1000;
    await utimes(paths[0] as string, old, old);
    await utimes(paths[1] as string, old + 10, old + 10);
    // Reading the oldest makes it the most recent: the other one goes when a third arrives.
    cache.indexReads = 0;
    await mergedImage(images[0] as XrayImageSource, { cache });
    assert.equal(cache.indexReads, 0);
    await mergedImage(images[2] as XrayImageSource, { cache });
    assert.deepEqual(paths.map((p) => existsSync(p)), [true, false, true]);
    const names = await readdir(cache.dir);
    assert.equal(names.length, LAYERS.length * 2 + 2, `every layer index (by digest and DiffID) and two views: ${names.join(', ')}`);
  });

  it('a view larger than the whole limit is not written: it would push out every other file, then itself', async () => {
    const key = mergedKey(sourceOf(LAYERS).layers);
    const { files, totals } = mergedView(LAYERS);
    const view = { files, totals, layers: LAYERS.map((l) => ({ digest: l.digest, diffId: l.diffId, tarSize: l.tarSize, entries: l.entries.length })) };
    const viewBytes = encodeMergedView(key, view)?.length ?? 0;
    const cache = new LayerIndexCache(join(dir, 'oversized'), { maxBytes: viewBytes - 1 });
    const layer = LAYERS[0] as LayerIndex;
    await cache.put([layer.digest], layer);
    const old = Date.now() / 1000 - 1000;
    await utimes(cache.pathOf(layer.digest), old, old);
    await cache.putMerged(key, view);
    assert.deepEqual(await readdir(cache.dir), [layer.digest.replace(':', '-')], 'the layer index stays, no view');
    assert.equal(await cache.getMerged(key), undefined);
  });
});
