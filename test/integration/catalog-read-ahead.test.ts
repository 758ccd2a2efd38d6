// The host reads the catalog's next page while the renderer is still busy with the one before, so the registry never
// waits on the renderer; the renderer's request then takes that page instead of asking the registry again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from '../../shared/contract.js';
import type { RegistryView } from '../../shared/registry-profile.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../harness/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

const REPOSITORIES = 12;
const PAGE = 5;

describe('catalog pages read ahead by the host', () => {
  let reg: TestRegistry;
  let proxy: HttpFaultProxy;
  let dir: string;
  let host: ContractHost;
  const catalogRequests: string[] = [];

  before(async () => {
    reg = await startRegistry('none');
    for (let i = 0; i < REPOSITORIES; i++) await seedImage(reg, `team/app-${String(i).padStart(2, '0')}`, 'v1');
    await closeSeeders(reg);
    proxy = await startHttpFaultProxy(Number(reg.host.split(':')[1]), (req) => {
      if (req.url?.startsWith('/v2/_catalog')) catalogRequests.push(req.url);
      return undefined;
    });
    dir = await mkdtemp(join(tmpdir(), 'stevedore-readahead-'));
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
  });
  after(async () => {
    await host?.close();
    await proxy?.close();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function value<T>(channel: string, args: unknown): Promise<T> {
    const result = await host.handle(channel, args);
    if (!result.ok) assert.fail(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }

  async function until(what: string, done: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(done(), what);
  }

  it('asks the registry for the next page before the renderer does, and only once', async () => {
    const profile = await value<RegistryView>('registries:save', { profile: { name: 'proxied', url: proxy.host, credentialSource: 'none', insecure: true } });
    const seen: string[] = [];
    let page = await value<Page<string>>('catalog:list', { registryId: profile.id, pageSize: PAGE });
    for (;;) {
      seen.push(...page.items);
      if (!page.next) break;
      const asked = catalogRequests.length;
      // The renderer has not asked for the next page yet, but the registry is already serving it.
      await until('the next page is requested ahead', () => catalogRequests.length > asked);
      page = await value<Page<string>>('catalog:list', { registryId: profile.id, pageSize: PAGE, cursor: page.next });
    }
    assert.deepEqual(seen, Array.from({ length: REPOSITORIES }, (_, i) => `team/app-${String(i).padStart(2, '0')}`));
    // One request per page: 12 names in pages of 5 (the last page is empty or short, as the registry answers).
    assert.equal(new Set(catalogRequests).size, catalogRequests.length, `a page was fetched twice: ${catalogRequests.join(', ')}`);
    assert.ok(catalogRequests.length <= Math.ceil(REPOSITORIES / PAGE) + 1, catalogRequests.join(', '));
  });

  it('a walk started afresh abandons the pages read ahead for the old one', async () => {
    const profile = (await value<RegistryView[]>('registries:list', {})).find((r) => r.name === 'proxied');
    assert.ok(profile);
    catalogRequests.length = 0;
    const first = await value<Page<string>>('catalog:list', { registryId: profile.id, pageSize: PAGE });
    await until('the second page is requested ahead', () => catalogRequests.length === 2);
    const again = await value<Page<string>>('catalog:list', { registryId: profile.id, pageSize: PAGE });
    assert.deepEqual(again.items, first.items);
    const second = await value<Page<string>>('catalog:list', { registryId: profile.id, pageSize: PAGE, cursor: again.next });
    assert.equal(second.items[0], 'team/app-05');
  });
});
