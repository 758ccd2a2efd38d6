// Closing the contract host ends what it left running behind its answers before close() resolves: the catalog
// written to disk after the last page's answer, and a job cancelled by the closing, its partial file removed. Until
// then a test (or the app) that removes the data folder once the host closed raced with a write still to land in it.
// A page read ahead for nobody is dropped instead of holding close() until the registry answers it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PushJobView } from '../../shared/contract.js';
import type { RegistryView } from '../../shared/registry-profile.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startGateProxy, type GateProxy } from '../harness/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';
import { waitFor } from '../harness/web-client.js';

describe('closing the host', () => {
  let reg: TestRegistry;
  let gate: GateProxy;
  let dir: string;

  before(async () => {
    reg = await startRegistry('none');
    await seedImage(reg, 'team/app', '1');
    await closeSeeders(reg);
    gate = await startGateProxy(Number(reg.host.split(':')[1]));
    dir = await mkdtemp(join(tmpdir(), 'stevedore-host-close-'));
  });
  after(async () => {
    gate?.open();
    await gate?.stop();
    await reg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function openHost(name: string, finished: PushJobView[] = []): Promise<{ host: ContractHost; cacheDir: string; registryId: string }> {
    const cacheDir = join(dir, name, 'cache');
    const host = new ContractHost({
      profiles: new ProfileStore(join(dir, name, 'registries.json')),
      secrets: noSecretStore,
      cacheDir,
      emit: (event, payload) => {
        if (event === 'push:finished') finished.push(payload as PushJobView);
      },
    });
    const saved = await host.handle('registries:save', { profile: { name: 'gated', url: gate.host, credentialSource: 'none', insecure: true } });
    assert.ok(saved.ok, JSON.stringify(saved));
    return { host, cacheDir, registryId: (saved.value as RegistryView).id };
  }

  it('has written the catalog listed just before it was called', async () => {
    const { host, cacheDir, registryId } = await openHost('catalog');
    const listed = await host.handle('catalog:list', { registryId });
    assert.deepEqual(listed.ok ? listed.value : listed, { items: ['team/app'] });
    await host.close();
    const file = `${createHash('sha256').update(registryId).digest('hex').slice(0, 32)}.json`;
    assert.deepEqual(await readdir(join(cacheDir, 'catalogs')), [file], 'the catalog is on disk when close() resolves');
  });

  it('does not wait for a catalog page read ahead that the registry is holding', async () => {
    const { host, registryId } = await openHost('read-ahead');
    gate.close((req) => (req.url ?? '').startsWith('/v2/_catalog') && (req.url ?? '').includes('last='));
    try {
      const first = await host.handle('catalog:list', { registryId, pageSize: 1 });
      assert.ok(first.ok && (first.value as { next?: string }).next, JSON.stringify(first));
      await waitFor(() => (gate.held > 0 ? true : undefined), 30_000, 'the next page to be asked ahead');
      let closed = false;
      void host.close().then(() => (closed = true));
      await waitFor(() => (closed ? true : undefined), 20_000, 'close() to resolve while the page read ahead waits at the registry');
    } finally {
      gate.open();
    }
  });

  it('has ended a job it cancelled, and its partial file is gone', async () => {
    const finished: PushJobView[] = [];
    const { host, registryId } = await openHost('job', finished);
    const out = join(dir, 'exports');
    await mkdir(out);
    // The export's blobs wait at the gate: the job is writing its file when the host closes.
    gate.close((req) => (req.url ?? '').includes('/blobs/'));
    try {
      const started = await host.handle('export:start', { registryId, repository: 'team/app', reference: '1', path: join(out, 'app.tar'), format: 'oci-archive' });
      assert.ok(started.ok, JSON.stringify(started));
      await waitFor(() => (gate.held > 0 ? true : undefined), 30_000, 'the export to ask for a blob');
      await host.close();
      assert.deepEqual(finished.map((view) => view.state), ['cancelled'], 'the job has ended when close() resolves');
      assert.deepEqual(await readdir(out), [], 'no partial file is left once close() resolved');
    } finally {
      gate.open();
    }
  });
});

