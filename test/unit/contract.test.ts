// The contract is whole: every request channel has a schema, a host handler, an IPC binding and a preload method;
// bad arguments come back as typed errors; nothing generic reaches the renderer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { EVENT_CHANNELS, REQUEST_CHANNELS, methodName, requests, type Result } from '../../shared/contract.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { bindContract, type IpcInvokeEventLike } from '../../electron/host/ipc-binding.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';

const PRELOAD = fileURLToPath(new URL('../../electron/preload/preload.cjs', import.meta.url));

describe('the contract', () => {
  let dir: string;
  let host: ContractHost;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-contract-'));
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
  });
  after(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('has a schema and a host handler for every request channel', () => {
    for (const channel of REQUEST_CHANNELS) assert.equal(typeof requests[channel].args.safeParse, 'function', channel);
    // The renderer's list of channels (contract-client.ts, without the schemas) is the schemas' list.
    assert.deepEqual([...REQUEST_CHANNELS].sort(), Object.keys(requests).sort());
    assert.deepEqual([...host.channels()].sort(), [...REQUEST_CHANNELS].sort());
  });

  it('answers bad arguments with INVALID_ARGUMENT naming the field, never a crash', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['catalog:list', { registryId: 42 }, /registryId/],
      ['tags:list', { registryId: 'x', repository: 'UPPER/Case' }, /repository: not a valid repository name/],
      ['image:delete', { registryId: 'x', repository: 'a', digest: 'sha256:nothex' }, /digest: not a digest/],
      ['push:start', { path: '', registryId: 'x', repository: 'a', tag: 'bad tag' }, /path|tag/],
      ['compare:images', { images: [] }, /images/],
      ['registries:save', null, /profile/],
      ['nonsense:channel', {}, /unknown channel/],
    ];
    for (const [channel, args, pattern] of cases) {
      const result = await host.handle(channel, args);
      assert.equal(result.ok, false, channel);
      if (!result.ok) {
        assert.equal(result.error.code, 'INVALID_ARGUMENT', channel);
        assert.match(result.error.message, pattern, channel);
      }
    }
  });

  it('answers unknown registries and paths that are not files with typed errors', async () => {
    const missing = await host.handle('catalog:list', { registryId: 'no-such-registry' });
    assert.deepEqual(missing.ok ? undefined : missing.error.code, 'NOT_FOUND');
    const notFile = await host.handle('archive:inspect', { path: dir });
    assert.deepEqual(notFile.ok ? undefined : [notFile.error.code, /is not a file/.test(notFile.error.message)], ['INVALID_ARGUMENT', true]);
  });

  it('answers push:start for an image the archive does not hold with INVALID_ARGUMENT, starting nothing', async () => {
    const image = testImage([await layerTar('contract', 1000)]);
    const archive = join(dir, 'one-image.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['contract/x:1'] }]));
    const saved = (await host.handle('registries:save', { profile: { name: 'local', url: 'http://127.0.0.1:9', credentialSource: 'none' } })) as Result<{ id: string }>;
    assert.ok(saved.ok);
    const result = await host.handle('push:start', { path: archive, imageId: 5, registryId: saved.value.id, repository: 'contract/x', tag: '1' });
    assert.equal(result.ok ? undefined : result.error.code, 'INVALID_ARGUMENT');
    assert.match(result.ok ? '' : result.error.message, /no image 5 \(it holds 1/);
    const jobs = (await host.handle('push:list', {})) as Result<unknown[]>;
    assert.deepEqual(jobs.ok ? jobs.value : undefined, []);
  });

  it('refuses to store a secret where no secure store exists, and saves nothing then', async () => {
    const before = (await host.handle('registries:list', {})) as Result<unknown[]>;
    const result = await host.handle('registries:save', { profile: { name: 'x', url: 'localhost:5000', credentialSource: 'stored', username: 'u' }, secret: 'hunter2' });
    assert.equal(result.ok ? undefined : result.error.code, 'UNSUPPORTED');
    assert.match(result.ok ? '' : result.error.message, /no secure store/);
    assert.ok(!JSON.stringify(result).includes('hunter2'));
    const after = (await host.handle('registries:list', {})) as Result<unknown[]>;
    assert.equal(after.ok && before.ok ? after.value.length : -1, before.ok ? before.value.length : -2);
  });

  it('binds every channel to ipcMain and refuses other windows', async () => {
    const handlers = new Map<string, (event: IpcInvokeEventLike, args: unknown) => Promise<unknown>>();
    const unbind = bindContract({ handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) }, host, (event) => event.sender.id === 1);
    assert.deepEqual([...handlers.keys()].sort(), [...REQUEST_CHANNELS].sort());
    const ours = await handlers.get('registries:list')?.({ sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html' } }, {});
    assert.equal((ours as Result<unknown>).ok, true);
    const stranger = await handlers.get('registries:list')?.({ sender: { id: 2 }, senderFrame: { url: 'https://evil.example/' } }, {});
    assert.equal((stranger as Result<unknown>).ok ? undefined : (stranger as { error: { code: string } }).error.code, 'DENIED');
    unbind();
    assert.equal(handlers.size, 0);
  });

  it('the bundled preload exposes one method per channel and a typed on(), nothing generic', async () => {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: [string, unknown, ...unknown[]][] = [];
    const listeners = new Map<string, unknown>();
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => void exposed.set(name, api) },
      ipcRenderer: {
        invoke: (channel: string, args: unknown, ...rest: unknown[]) => {
          invoked.push([channel, args, ...rest]);
          return Promise.resolve({ ok: true, value: null });
        },
        on: (channel: string, listener: unknown) => void listeners.set(channel, listener),
        removeListener: (channel: string) => void listeners.delete(channel),
      },
      webUtils: { getPathForFile: () => '/dropped/file.tar' },
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(PRELOAD, 'utf8'), { module, exports: module.exports, require: (name: string) => (name === 'electron' ? fakeElectron : undefined), console });
    const api = exposed.get('stevedore') as Record<string, (args?: unknown) => unknown>;
    const expected = [...REQUEST_CHANNELS.map(methodName), 'on'].sort();
    assert.deepEqual(Object.keys(api).sort(), expected);
    for (const generic of ['invoke', 'send', 'sendSync', 'ipcRenderer']) assert.equal(api[generic], undefined, generic);
    void api.catalogList?.({ registryId: 'r' });
    assert.deepEqual(invoked.at(-1), ['catalog:list', { registryId: 'r' }]);
    // A request id travels beside the arguments, so request:cancel can name the call.
    void (api.tagsSummaries as (args: unknown, options: unknown) => unknown)?.({ registryId: 'r', repository: 'a', tags: ['1'] }, { requestId: 'req-1' });
    assert.deepEqual(invoked.at(-1), ['tags:summaries', { registryId: 'r', repository: 'a', tags: ['1'] }, 'req-1']);
    void api.requestCancel?.({ requestId: 'req-1' });
    assert.deepEqual(invoked.at(-1), ['request:cancel', { requestId: 'req-1' }]);
    const off = (api.on as unknown as (e: string, h: () => void) => () => void)(EVENT_CHANNELS[0] as string, () => undefined);
    assert.ok(listeners.has(EVENT_CHANNELS[0] as string));
    off();
    assert.ok(!listeners.has(EVENT_CHANNELS[0] as string));
    const desktop = exposed.get('stevedoreDesktop') as Record<string, (arg?: unknown) => unknown>;
    assert.deepEqual(Object.keys(desktop).sort(), ['chooseArchives', 'chooseExportFile', 'onOpenArchives', 'onOpenFiles', 'pathForFile']);
    // The save dialog's answer is a path or nothing: anything else the main process might send is nothing.
    assert.equal(await desktop.chooseExportFile?.('team_app_1.tar'), undefined);
    assert.deepEqual(invoked.at(-1), ['desktop:chooseExportFile', 'team_app_1.tar']);
  });
});
