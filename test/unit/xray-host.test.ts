// The xray:* channels through the contract host: an archive's files, and a load cancelled while it runs.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { XrayFilesView } from '../../shared/xray.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { docker25Archive, layerTar, testImage, writeTar } from '../harness/archives.js';

describe('xray channels', () => {
  let dir: string;
  let host: ContractHost;
  let small: string;
  let big: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-xray-host-'));
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    small = join(dir, 'small.tar');
    await writeTar(small, docker25Archive(testImage([await layerTar('one', 3000, 'text')]), ['x/small:1'], true));
    big = join(dir, 'big.tar.gz');
    await writeTar(big, docker25Archive(testImage([await layerTar('big', 40_000_000)]), ['x/big:1'], false), true);
  });
  after(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists an archive image’s files and opens one', async () => {
    const files = await host.handle('xray:files', { target: { path: small } });
    assert.ok(files.ok);
    assert.deepEqual((files.value as XrayFilesView).files.filter((f) => f.kind === 'file').map((f) => f.path), ['data/one.bin', 'etc/one.conf']);
    const opened = await host.handle('xray:open', { target: { path: small }, path: '/etc/one.conf' });
    assert.ok(opened.ok);
    assert.equal((opened.value as { text?: string }).text, 'seed=one\n');
  });

  it('names each layer\'s changes with the files view, the same counts as xray:layer gives', async () => {
    const files = await host.handle('xray:files', { target: { path: small } });
    assert.ok(files.ok);
    const view = files.value as XrayFilesView;
    // One layer: it adds every path of the merged filesystem, and changes and removes nothing.
    assert.deepEqual(view.layers.map((l) => l.changes), [{ added: view.files.length, changed: 0, removed: 0 }]);
    const layer = await host.handle('xray:layer', { target: { path: small }, layer: 0 });
    assert.ok(layer.ok);
    const { added, changed, removed } = layer.value as { added: number; changed: number; removed: number };
    assert.deepEqual(view.layers[0]?.changes, { added, changed, removed });
  });

  it('cancels a load that is running, with CANCELLED', async () => {
    const loading = host.handle('xray:files', { target: { path: big } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cancel = await host.handle('xray:cancel', { target: { path: big } });
    assert.deepEqual(cancel, { ok: true, value: { cancelled: true } });
    const result = await loading;
    assert.equal(result.ok ? 'ok' : result.error.code, 'CANCELLED');
    assert.deepEqual(await host.handle('xray:cancel', { target: { path: big } }), { ok: true, value: { cancelled: false } });
  });
});
