import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { CatalogCache } from '../../electron/host/catalog-cache.js';

const profile = (id: string, url = `127.0.0.1:5000`): RegistryProfile => ({ id, name: id, url, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });

describe('CatalogCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-catalogs-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps a catalog walked from its first page to its last, and nothing before it is complete', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('walked');
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
    await cache.note(reg, undefined, { items: ['a/1', 'a/2'], next: 'http://r/v2/_catalog?last=a/2' });
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
    await cache.note(reg, 'http://r/v2/_catalog?last=a/2', { items: ['b/1'] });
    const read = await cache.read(reg);
    assert.deepEqual(read.items, ['a/1', 'a/2', 'b/1']);
    assert.ok(read.savedAt && Math.abs(Date.parse(read.savedAt) - Date.now()) < 60_000);
    // Another instance (the next start of the app) reads the same file.
    assert.deepEqual((await new CatalogCache(dir).read(reg)).items, ['a/1', 'a/2', 'b/1']);
    // The first screenful alone, with the size of the whole.
    assert.deepEqual(await new CatalogCache(dir).read(reg, 2), { items: ['a/1', 'a/2'], total: 3, savedAt: read.savedAt });
    assert.deepEqual((await readdir(join(dir, 'catalogs'))).filter((n) => n.endsWith('.tmp')), []);
  });

  it('never mixes pages of walks it did not see start, and keeps two walks apart', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('mixed');
    await cache.note(reg, 'http://r/v2/_catalog?last=zzz', { items: ['stray/1'] });
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
    await cache.note(reg, undefined, { items: ['one/1'], next: 'c1' });
    await cache.note(reg, undefined, { items: ['two/1'], next: 'c2' });
    await cache.note(reg, 'c2', { items: ['two/2'] });
    assert.deepEqual((await cache.read(reg)).items, ['two/1', 'two/2']);
    await cache.note(reg, 'c1', { items: ['one/2'] });
    assert.deepEqual((await cache.read(reg)).items, ['one/1', 'one/2']);
  });

  it('ignores a copy kept for another address or another account of the same profile', async () => {
    const cache = new CatalogCache(dir);
    await cache.note(profile('moved', 'old.example:5000'), undefined, { items: ['x/1'] });
    assert.deepEqual((await cache.read(profile('moved', 'old.example:5000'))).items, ['x/1']);
    assert.deepEqual(await cache.read(profile('moved', 'new.example:5000')), { items: [], total: 0 });
    assert.deepEqual(await new CatalogCache(dir).read(profile('moved', 'new.example:5000')), { items: [], total: 0 });
    const other: RegistryProfile = { ...profile('moved', 'old.example:5000'), credentialSource: 'stored', username: 'bob' };
    assert.deepEqual(await cache.read(other), { items: [], total: 0 });
  });

  it('forgets a removed registry: its copy on disk and its walks under way', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('removed');
    await cache.note(reg, undefined, { items: ['r/1'] });
    await cache.note(reg, undefined, { items: ['r/2'], next: 'c1' });
    await cache.forget(reg.id);
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
    assert.deepEqual(await new CatalogCache(dir).read(reg), { items: [], total: 0 });
    // The walk begun before the removal does not bring the copy back.
    await cache.note(reg, 'c1', { items: ['r/3'] });
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
  });

  it('a removal while the last page is being written leaves no file behind (CI flaked on this)', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('removed-while-writing');
    const writing = cache.note(reg, undefined, { items: ['w/1'] });
    await cache.forget(reg.id);
    await writing;
    assert.deepEqual(await new CatalogCache(dir).read(reg), { items: [], total: 0 });
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
  });

  it('drops a file that is not valid JSON, has bad names or a wrong shape', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('corrupt');
    await cache.note(reg, undefined, { items: ['ok/1'] });
    const valid = JSON.parse(await readFile(await fileOf(dir, 'ok/1'), 'utf8')) as Record<string, unknown>;
    const bad = ['{not json', JSON.stringify({ ...valid, repositories: ['ok/1', '../../etc'] }), JSON.stringify({ ...valid, repositories: 'ok/1' }), JSON.stringify({ ...valid, savedAt: 'yesterday' }), JSON.stringify({ ...valid, version: 2 })];
    for (const content of bad) {
      await cache.note(reg, undefined, { items: ['ok/1'] });
      await writeFile(await fileOf(dir, 'ok/1'), content);
      // The next start of the app reads the file (this instance still holds what it wrote).
      assert.deepEqual(await new CatalogCache(dir).read(reg), { items: [], total: 0 }, content.slice(0, 60));
      assert.equal(await fileOf(dir, 'ok/1').catch(() => undefined), undefined, 'a corrupt copy is removed');
    }
  });

  it('a file of millions of [] within the size bound is dropped before JSON.parse builds them (a crash in a small heap)', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('bomb');
    await cache.note(reg, undefined, { items: ['bomb/1'] });
    const path = await fileOf(dir, 'bomb/1');
    const valid = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, `${JSON.stringify({ ...valid, repositories: [] }).slice(0, -2)}${'[],'.repeat(3_000_000)}[]]}`);
    const module = new URL('../../electron/host/catalog-cache.js', import.meta.url).href;
    const script = `
      const { CatalogCache } = await import(${JSON.stringify(module)});
      const read = await new CatalogCache(${JSON.stringify(dir)}).read(${JSON.stringify(reg)});
      process.stdout.write(JSON.stringify(read));
    `;
    const child = spawnSync(process.execPath, ['--max-old-space-size=48', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.signal, null, `the reader died: ${child.stderr.slice(0, 300)}`);
    assert.deepEqual(JSON.parse(child.stdout), { items: [], total: 0 });
    assert.equal(await readFile(path).catch(() => undefined), undefined, 'the file is removed');
  });

  it('does not keep a catalog past its bound', async () => {
    const cache = new CatalogCache(dir);
    const reg = profile('huge');
    const page = Array.from({ length: 100_000 }, (_, i) => `n/${String(i).padStart(6, '0')}`);
    let cursor: string | undefined;
    for (let p = 0; p < 6; p++) {
      const next = p < 5 ? `c${p}` : undefined;
      await cache.note(reg, cursor, { items: page, ...(next ? { next } : {}) });
      cursor = next;
    }
    assert.deepEqual(await cache.read(reg), { items: [], total: 0 });
  });
});

async function fileOf(dir: string, containing: string): Promise<string> {
  for (const name of await readdir(join(dir, 'catalogs'))) {
    const path = join(dir, 'catalogs', name);
    if ((await readFile(path, 'utf8')).includes(containing)) return path;
  }
  throw new Error(`no catalog file holds ${containing}`);
}
