// The catalog as last seen, kept by the host from the pages walked through catalog:list: served back in chunks,
// replaced only by a walk that reached the end, and never for another address.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CachedCatalogChunk, Page } from '../../shared/contract.js';
import type { RegistryView } from '../../shared/registry-profile.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { mapLimit } from '../../electron/core/concurrency.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, mountBlob, randomLayer, seedImage } from '../harness/seed.js';

const NAMES = Array.from({ length: 10_200 }, (_, i) => `ns-${i % 7}/repo-${String(i).padStart(5, '0')}`);

describe('catalog cache', () => {
  let reg: TestRegistry;
  let dir: string;
  let registryId: string;
  let profile: RegistryView;

  const newHost = (): ContractHost => new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-catalog-cache-'));
    const base = randomLayer(100);
    await seedImage(reg, NAMES[0] as string, '1', { layers: [base] });
    await mapLimit(NAMES.slice(1), 32, (name) => mountBlob(reg, name, NAMES[0] as string, base.digest));
    await writeFile(join(dir, 'registries.json'), JSON.stringify({ version: 1, profiles: [] }));
    const host = newHost();
    const saved = await host.handle('registries:save', { profile: { name: 'local', url: reg.host, credentialSource: 'none' } });
    assert.ok(saved.ok);
    profile = saved.value as RegistryView;
    registryId = profile.id;
    await host.close();
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function walk(host: ContractHost, pages = Number.POSITIVE_INFINITY): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < pages; i++) {
      const result = await host.handle('catalog:list', { registryId, ...(cursor ? { cursor } : {}) });
      assert.ok(result.ok, JSON.stringify(result));
      const page = result.value as Page<string>;
      names.push(...page.items);
      cursor = page.next;
      if (!cursor) break;
    }
    return names;
  }

  async function cached(host: ContractHost): Promise<{ savedAt?: string; items: string[] }> {
    const items: string[] = [];
    let savedAt: string | undefined;
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const result = await host.handle('catalog:cached', { registryId, offset });
      assert.ok(result.ok);
      const chunk = result.value as CachedCatalogChunk | null;
      if (!chunk) break;
      savedAt = chunk.savedAt;
      items.push(...chunk.items);
      offset = chunk.next;
    }
    return { ...(savedAt ? { savedAt } : {}), items };
  }

  it('has nothing before a walk, keeps nothing from a walk cut short', async () => {
    const host = newHost();
    assert.deepEqual(await cached(host), { items: [] });
    await walk(host, 3);
    assert.deepEqual(await cached(host), { items: [] });
    await host.close();
  });

  it('keeps a complete walk on disk and serves it back in chunks to a new host', async () => {
    const first = newHost();
    const live = await walk(first);
    assert.deepEqual([...live].sort(), [...NAMES].sort());
    await first.close();
    const second = newHost();
    const copy = await cached(second);
    assert.deepEqual(copy.items, live);
    assert.ok(copy.savedAt && Date.now() - Date.parse(copy.savedAt) < 600_000);
    const firstChunk = await second.handle('catalog:cached', { registryId, offset: 0 });
    assert.equal(firstChunk.ok && (firstChunk.value as CachedCatalogChunk).items.length, 10_000);
    await second.close();
  });

  it('is not served for another address once the profile is edited', async () => {
    const host = newHost();
    await host.handle('registries:save', { profile: { ...profile, url: `http://${reg.host}` } });
    assert.deepEqual(await cached(host), { items: [] });
    await host.close();
  });
});
