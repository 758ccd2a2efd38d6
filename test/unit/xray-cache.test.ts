// The layer-index cache: round trip, corruption detected and dropped, least-recently-used eviction under its limit,
// and two processes writing the same entries at once without a torn file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { LayerEntry, LayerIndex } from '../../shared/xray.js';
import { LayerIndexCache } from '../../electron/core/xray/index-cache.js';

const cacheModule = fileURLToPath(new URL('../../electron/core/xray/index-cache.js', import.meta.url));
const hex = (n: number): string => n.toString(16).padStart(64, '0');

function layerIndex(n: number, count = 50): LayerIndex {
  const entries: LayerEntry[] = Array.from({ length: count }, (_, i) => ({ path: `usr/lib/${n}/file-${i}`, kind: 'file', size: i * 10, mode: 0o644, uid: 0, gid: 0, sha256: hex(i) }));
  entries.push({ path: 'bin/sh', kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: 'busybox' });
  return { digest: `sha256:${hex(n)}`, diffId: `sha256:${hex(n + 1_000_000)}`, tarSize: 1234 * n, entries };
}

describe('LayerIndexCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-xray-cache-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  // What a hostile or broken cache directory may hold at an entry's path besides a file: reading must neither wait for
  // a writer nor read without end. Each is a miss, and removed.
  it('a FIFO at an entry\'s path is a miss, not a wait for a writer', { skip: process.platform === 'win32', timeout: 20_000 }, async () => {
    const cache = new LayerIndexCache(join(dir, 'fifo'));
    const index = layerIndex(5);
    await mkdir(cache.dir, { recursive: true });
    await promisify(execFile)('mkfifo', [cache.pathOf(index.digest)]);
    assert.equal(await cache.get(index.digest), undefined);
    assert.equal(existsSync(cache.pathOf(index.digest)), false);
    await cache.put([index.digest], index);
    assert.deepEqual(await cache.get(index.digest), index);
  });

  it('a link to an endless device at an entry\'s path is a miss, not read', { skip: process.platform === 'win32', timeout: 20_000 }, async () => {
    const cache = new LayerIndexCache(join(dir, 'zero'));
    const index = layerIndex(6);
    await mkdir(cache.dir, { recursive: true });
    await symlink('/dev/zero', cache.pathOf(index.digest));
    assert.equal(await cache.get(index.digest), undefined);
    assert.equal(existsSync(cache.pathOf(index.digest)), false);
  });

  it('returns what was stored, under the digest and the DiffID', async () => {
    const cache = new LayerIndexCache(join(dir, 'a'));
    const index = layerIndex(1);
    assert.equal(await cache.get(index.digest), undefined);
    await cache.put([index.digest, index.diffId], index);
    assert.deepEqual(await cache.get(index.digest), index);
    assert.deepEqual(await cache.get(index.diffId), index);
    assert.equal(await cache.get(`sha256:${hex(99)}`), undefined);
  });

  it('drops a corrupted file, a file of another layer and a file of the wrong shape', async () => {
    const cache = new LayerIndexCache(join(dir, 'b'));
    const index = layerIndex(2);
    await cache.put([index.digest], index);
    const path = cache.pathOf(index.digest);
    const bytes = await readFile(path);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 1;
    await writeFile(path, bytes);
    assert.equal(await cache.get(index.digest), undefined);
    assert.equal(existsSync(path), false, 'the bad file is removed, so the next run rebuilds it');
    // A valid file copied under another layer's name is not that layer's index.
    await cache.put([index.digest], index);
    const other = `sha256:${hex(3)}`;
    await writeFile(cache.pathOf(other), await readFile(path));
    assert.equal(await cache.get(other), undefined);
    await writeFile(cache.pathOf(other), 'stevedore-xray-1 0000\nnot gzip');
    assert.equal(await cache.get(other), undefined);
  });

  it('evicts the least recently used files beyond its size limit', async () => {
    const probe = new LayerIndexCache(join(dir, 'size-probe'));
    await probe.put([layerIndex(10).digest], layerIndex(10));
    const size = (await readFile(probe.pathOf(layerIndex(10).digest))).length;
    const cache = new LayerIndexCache(join(dir, 'c'), { maxBytes: size * 3 + size / 2 });
    const old = Date.now() / 1000 - 1000;
    for (const n of [11, 12, 13]) {
      await cache.put([layerIndex(n).digest], layerIndex(n));
      await utimes(cache.pathOf(layerIndex(n).digest), old + n, old + n);
    }
    // Reading 11 makes it the most recent; 12 is now the oldest and goes when 14 arrives.
    assert.ok(await cache.get(layerIndex(11).digest));
    await cache.put([layerIndex(14).digest], layerIndex(14));
    const left = (await readdir(cache.dir)).sort();
    assert.deepEqual(left, [11, 13, 14].map((n) => `sha256-${hex(n)}`));
  });

  it('two processes writing the same layers at once leave whole, valid files', async () => {
    const root = join(dir, 'd');
    const script = `
      import { LayerIndexCache } from ${JSON.stringify(cacheModule)};
      const hex = (n) => n.toString(16).padStart(64, '0');
      const cache = new LayerIndexCache(${JSON.stringify(root)});
      for (let round = 0; round < 20; round++) {
        for (let n = 0; n < 5; n++) {
          const entries = Array.from({ length: 2000 }, (_, i) => ({ path: 'f/' + n + '/' + i, kind: 'file', size: i, mode: 420, uid: 0, gid: 0, sha256: hex(i) }));
          await cache.put(['sha256:' + hex(n)], { digest: 'sha256:' + hex(n), diffId: 'sha256:' + hex(n + 100), tarSize: 1, entries });
        }
      }`;
    const run = (): Promise<unknown> => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    await Promise.all([run(), run()]);
    const cache = new LayerIndexCache(root);
    for (let n = 0; n < 5; n++) assert.equal((await cache.get(`sha256:${hex(n)}`))?.entries.length, 2000);
    assert.deepEqual((await readdir(cache.dir)).filter((f) => f.endsWith('.tmp')), []);
  });
});
