// The one way the engine reads a file it did not write just now (electron/core/regular-file.ts): opened, checked on the
// descriptor, read from it. A cache entry that is a symlink is never followed (it reads another file: a check by path
// followed it), a file over the bound is refused before a byte is read, and the read stops at the size fstat saw.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readDockerConfig } from '../../electron/core/auth/docker-config.js';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { LayerCache } from '../../electron/core/push/layer-cache.js';
import { readCacheEntry, readCacheEntrySync, readRegularBytes, readRegularBytesSync } from '../../electron/core/regular-file.js';
import { LayerIndexCache } from '../../electron/core/xray/index-cache.js';
import type { LayerIndex } from '../../shared/xray.js';

const POSIX = { skip: process.platform === 'win32' };
const dir = mkdtempSync(join(tmpdir(), 'stevedore-regular-file-'));
const hex = (n: number): string => n.toString(16).padStart(64, '0');

describe('regular-file', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file, refuses one over the bound with TOO_LARGE naming it, and follows no cache symlink', POSIX, async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'hello');
    symlinkSync(file, join(dir, 'link'));
    assert.equal((await readRegularBytes(file, 'thing', { maxBytes: 5 })).toString(), 'hello');
    assert.equal(readRegularBytesSync(file, 'thing', { maxBytes: 5 }).toString(), 'hello');
    await assert.rejects(readRegularBytes(file, 'thing', { maxBytes: 4 }), { code: 'TOO_LARGE', message: `thing ${file} is larger than 4 bytes` });
    assert.throws(() => readRegularBytesSync(file, 'thing', { maxBytes: 4 }), { code: 'TOO_LARGE' });
    // A config may be a symlink (dotfile managers make them); a cache entry never is.
    assert.equal((await readRegularBytes(join(dir, 'link'), 'thing', { maxBytes: 5 })).toString(), 'hello');
    await assert.rejects(readRegularBytes(join(dir, 'link'), 'thing', { maxBytes: 5, noFollow: true }), { code: 'ELOOP' });
    assert.equal(await readCacheEntry(join(dir, 'link'), 5), undefined);
    assert.equal(readCacheEntrySync(join(dir, 'link'), 5), undefined);
    assert.equal((await readCacheEntry(file, 5))?.toString(), 'hello');
  });

  it('a docker config far larger than any config is refused, not read into memory', POSIX, async () => {
    const config = join(dir, 'docker-config.json');
    writeFileSync(config, '');
    truncateSync(config, 64 * 1024 * 1024);
    await assert.rejects(readDockerConfig(config), { code: 'TOO_LARGE' });
  });

  it('a layer cache entry that is a symlink to another file is a miss', POSIX, () => {
    const cacheDir = join(dir, 'layers');
    const cache = new LayerCache(cacheDir);
    const layer = { digest: `sha256:${hex(11)}`, size: 10, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', repository: 'team/app' };
    cache.record('127.0.0.1:5000', `sha256:${hex(1)}`, 'gzip', layer);
    const entries = join(cacheDir, 'layers', '127.0.0.1_5000', 'gzip');
    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, readFileSync(join(entries, `sha256-${hex(1)}`)));
    symlinkSync(elsewhere, join(entries, `sha256-${hex(2)}`));
    assert.deepEqual(cache.get('127.0.0.1:5000', `sha256:${hex(1)}`, 'gzip'), layer, 'the entry itself is read');
    assert.equal(cache.get('127.0.0.1:5000', `sha256:${hex(2)}`, 'gzip'), undefined, 'the link is not followed');
  });

  it('an X-ray index or a cached manifest that is a symlink to a valid file elsewhere is a miss, and the link goes', POSIX, async () => {
    const cache = new LayerIndexCache(join(dir, 'xray'));
    const index: LayerIndex = { digest: `sha256:${hex(3)}`, diffId: `sha256:${hex(4)}`, tarSize: 1024, entries: [{ path: 'etc', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 }] };
    await cache.put([index.digest], index);
    const elsewhere = join(dir, 'index-elsewhere');
    writeFileSync(elsewhere, await readFile(cache.pathOf(index.digest)));
    // The same bytes under the DiffID's name, but as a link.
    await symlink(elsewhere, cache.pathOf(index.diffId));
    assert.deepEqual(await cache.get(index.digest), index);
    assert.equal(await cache.get(index.diffId), undefined);
    assert.throws(() => readFileSync(cache.pathOf(index.diffId)), { code: 'ENOENT' }, 'the link is removed');

    const content = new ContentCache(join(dir, 'content'));
    const bytes = Buffer.from('{"schemaVersion":2}');
    const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(bytes).digest('hex')}`;
    const at = join(dir, 'content', 'content', 'sha256', digest.slice(7, 9));
    await mkdir(at, { recursive: true });
    writeFileSync(join(dir, 'manifest-elsewhere'), bytes);
    symlinkSync(join(dir, 'manifest-elsewhere'), join(at, digest.slice(7)));
    assert.equal(await content.get(digest), undefined);
  });
});
