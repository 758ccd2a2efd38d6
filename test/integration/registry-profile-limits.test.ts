// The registry list has stated limits: a client saving in a loop (a schema-valid request, thousands of times) can
// no longer grow the profiles file, which every save rewrites whole, without bound. A refused save changes nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContractHost } from '../../electron/host/contract-host.js';
import { MAX_BOOKMARKS, MAX_PROFILES, ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';

describe('registry profile limits', () => {
  let work: string;
  let host: ContractHost;
  const file = (): string => join(work, 'registries.json');
  const count = async (): Promise<number> => {
    const listed = await host.handle('registries:list', {});
    return listed.ok ? (listed.value as unknown[]).length : -1;
  };
  // One registry per profile: each name gets its own host.
  const save = (name: string, bookmarks: string[] = [], id?: string) => host.handle('registries:save', { profile: { ...(id ? { id } : {}), name, url: `${name.replace(/[^a-z0-9]+/gi, '-')}.example`, credentialSource: 'none', bookmarks } });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-profile-limits-'));
    host = new ContractHost({ profiles: new ProfileStore(file()), secrets: noSecretStore, cacheDir: join(work, 'cache'), emit: () => undefined });
    await count();
  });
  after(async () => {
    await host?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('keeps at most MAX_BOOKMARKS bookmarks across all registries', async () => {
    const ids: string[] = [];
    const per = 10_000;
    for (let i = 0; i < MAX_BOOKMARKS / per; i++) {
      const saved = await save(`b${i}`, Array.from({ length: per }, (_, j) => `team-${i}/repo-${j}`));
      assert.ok(saved.ok, JSON.stringify(saved).slice(0, 200));
      ids.push(saved.ok ? (saved.value as { id: string }).id : '');
    }
    const size = (await stat(file())).size;
    const refused = await save('one more', ['one/more']);
    assert.equal(refused.ok ? 'saved' : refused.error.code, 'TOO_LARGE');
    assert.match(refused.ok ? '' : refused.error.message, /at most 50,000 bookmarks across all registries; this save would make 50,001/);
    assert.equal((await stat(file())).size, size, 'a refused save changed the file');
    for (const id of ids) await host.handle('registries:remove', { id });
  });

  it('keeps at most MAX_PROFILES registries, and still updates them', async () => {
    const start = await count();
    let last = '';
    for (let i = start; i < MAX_PROFILES; i++) {
      const saved = await save(`r${i}`);
      assert.ok(saved.ok, JSON.stringify(saved));
      last = saved.ok ? (saved.value as { id: string }).id : '';
    }
    const refused = await save('one too many');
    assert.equal(refused.ok ? 'saved' : refused.error.code, 'TOO_LARGE');
    assert.match(refused.ok ? '' : refused.error.message, /at most 100 registries; remove one first/);
    assert.equal(await count(), MAX_PROFILES);
    const renamed = await save('renamed', [], last);
    assert.ok(renamed.ok, JSON.stringify(renamed));
  });
});
