// Catalog and tag lists past the registry's own page cap (1000 in distribution 2.8).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapLimit } from '../../electron/core/concurrency.js';
import { clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, seedImage } from '../harness/seed.js';

const REPOSITORIES = 1_050;
const TAGS = 120;

describe('pagination across page limits', () => {
  let reg: TestRegistry;
  let expectedRepos: string[];
  before(async () => {
    reg = await startRegistry('token');
    const base = await seedImage(reg, 'aaa/base', 'v1');
    const names = Array.from({ length: REPOSITORIES }, (_, i) => `ns${i % 7}/repo-${String(i).padStart(4, '0')}`);
    // A mounted blob is enough for a repository to appear in the catalog.
    await mapLimit(names, 16, (name) => mountBlob(reg, name, 'aaa/base', base.config.digest));
    expectedRepos = ['aaa/base', ...names].sort();
    for (let i = 0; i < TAGS; i++) await seedImage(reg, 'aaa/base', `t${String(i).padStart(3, '0')}`, { layers: base.layers, skipUpload: true });
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });

  it('lists the whole catalog over the default 1000-entry pages', async () => {
    const client = clientFor(reg);
    const pages: number[] = [];
    for await (const page of client.catalogPages()) pages.push(page.length);
    assert.deepEqual(pages, [1000, REPOSITORIES + 1 - 1000]);
    assert.deepEqual(await client.listRepositories(), expectedRepos);
    await client.close();
  });

  it('asks again within the cap when a larger page size is refused', async () => {
    const client = clientFor(reg);
    assert.deepEqual(await client.listRepositories({ pageSize: 5000 }), expectedRepos);
    await client.close();
  });

  it('lists tags whole from a registry that ignores n, with no page lost or repeated', async () => {
    const client = clientFor(reg);
    const tags = await client.listTags('aaa/base', { pageSize: 50 });
    assert.equal(tags.length, TAGS + 1);
    assert.equal(new Set(tags).size, tags.length);
    await client.close();
  });

  it('does not repeat the tags when a registry that ignores n and last happens to fill the page exactly', async () => {
    const client = clientFor(reg);
    const pages: number[] = [];
    for await (const page of client.tagPages('aaa/base', { pageSize: TAGS + 1 })) pages.push(page.length);
    assert.deepEqual(pages, [TAGS + 1]);
    assert.equal((await client.tagsPage('aaa/base', { pageSize: TAGS + 1 })).next, undefined, 'no next page is offered for the same tags again');
    await client.close();
  });
});
