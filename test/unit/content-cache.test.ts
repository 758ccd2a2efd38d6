import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ContentCache } from '../../electron/core/cache/content-cache.js';
import { digestOf } from '../../electron/core/digest.js';

const cacheModule = fileURLToPath(new URL('../../electron/core/cache/content-cache.js', import.meta.url));

describe('ContentCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-cache-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('stores and returns content by digest', async () => {
    const cache = new ContentCache(dir);
    const bytes = Buffer.from('{"hello":"world"}');
    const digest = digestOf(bytes);
    assert.equal(await cache.get(digest), undefined);
    await cache.put(digest, bytes);
    assert.deepEqual(await cache.get(digest), bytes);
  });

  it('refuses to store bytes under the wrong digest', async () => {
    const cache = new ContentCache(dir);
    const digest = digestOf(Buffer.from('a'));
    await cache.put(digest, Buffer.from('b'));
    assert.equal(await cache.get(digest), undefined);
  });

  it('drops a corrupted entry instead of returning it', async () => {
    const cache = new ContentCache(dir);
    const bytes = Buffer.from('original');
    const digest = digestOf(bytes);
    await cache.put(digest, bytes);
    const hex = digest.slice('sha256:'.length);
    const path = join(dir, 'content', 'sha256', hex.slice(0, 2), hex);
    await writeFile(path, 'tampered');
    assert.equal(await cache.get(digest), undefined);
    assert.ok(!existsSync(path), 'the corrupted entry is removed');
  });

  it('stays consistent when two processes write the same entries at once', async () => {
    const shared = join(dir, 'shared');
    const script = `
      import { ContentCache } from ${JSON.stringify(cacheModule)};
      import { createHash } from 'node:crypto';
      const cache = new ContentCache(${JSON.stringify(shared)});
      const writes = [];
      for (let i = 0; i < 200; i++) {
        const bytes = Buffer.from('entry-' + i + '-'.repeat(i * 50));
        writes.push(cache.put('sha256:' + createHash('sha256').update(bytes).digest('hex'), bytes));
      }
      await Promise.all(writes);
    `;
    const run = promisify(execFile);
    await Promise.all([run(process.execPath, ['--input-type=module', '-e', script]), run(process.execPath, ['--input-type=module', '-e', script])]);
    const cache = new ContentCache(shared);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(`entry-${i}${'-'.repeat(i * 50)}`);
      assert.deepEqual(await cache.get(digestOf(bytes)), bytes, `entry ${i}`);
    }
    const leftovers: string[] = [];
    for (const sub of await readdir(join(shared, 'content', 'sha256'))) {
      leftovers.push(...(await readdir(join(shared, 'content', 'sha256', sub))).filter((n) => n.endsWith('.tmp')));
    }
    assert.deepEqual(leftovers, []);
  });
});
