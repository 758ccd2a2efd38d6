// Where export:start may write. Over the local web host a page holding the token (or a user who typed ~/.bashrc) must
// not choose where on this machine a tarball goes: a file name only, in the host's export folder, PATH_NOT_ALLOWED for
// anything else. No host replaces an existing file, even one that appears while the export runs (ALREADY_EXISTS).
// The CLI's `pull REF FILE` still replaces its file (TarFile's default).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../shared/contract.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { TarFile } from '../../electron/core/export/tar-file.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startTestWebHost } from '../harness/web-host.js';
import type { WebHost } from '../../electron/web/server.js';

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);
const args = (path: string) => ({ registryId: 'none', repository: 'team/app', reference: '1', path });

describe('export:start destinations', () => {
  let work: string;
  let exports: string;
  let web: WebHost;
  let defaulted: WebHost;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-export-target-'));
    exports = join(work, 'exports');
    web = await startTestWebHost(join(work, 'web'), [], { exportDir: exports });
    defaulted = await startTestWebHost(join(work, 'web2'), []);
  });
  after(async () => {
    await web.close();
    await defaulted.close();
    await rm(work, { recursive: true, force: true });
  });

  it('over the web host: a path anywhere, or one out of the export folder, is PATH_NOT_ALLOWED and nothing is written', async () => {
    const victim = join(work, '.bashrc');
    await writeFile(victim, 'export PATH=$PATH\n');
    for (const path of [victim, '../.bashrc', 'sub/x.tar', '..', 'a\\b.tar']) {
      const result = await web.host.handle('export:start', args(path));
      assert.equal(codeOf(result), 'PATH_NOT_ALLOWED', path);
      if (!result.ok) assert.ok(result.error.message.includes(exports) && !result.error.message.includes('\n'), result.error.message);
    }
    // A web host started without a folder of its own still has one: never "anywhere".
    assert.equal(codeOf(await defaulted.host.handle('export:start', args(victim))), 'PATH_NOT_ALLOWED');
    assert.equal(await readFile(victim, 'utf8'), 'export PATH=$PATH\n');
  });

  it('over the web host: a name that exists in the export folder is ALREADY_EXISTS, left as it was', async () => {
    await mkdir(exports, { recursive: true });
    await writeFile(join(exports, 'kept.tar'), 'mine');
    const result = await web.host.handle('export:start', args('kept.tar'));
    assert.equal(codeOf(result), 'ALREADY_EXISTS');
    assert.equal(await readFile(join(exports, 'kept.tar'), 'utf8'), 'mine');
  });

  it('on the desktop (no export folder): any folder, but an existing file is ALREADY_EXISTS, not replaced', async () => {
    const host = new ContractHost({ profiles: new ProfileStore(join(work, 'desktop', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'desktop-cache'), emit: () => undefined });
    try {
      const existing = join(work, 'existing.tar');
      await writeFile(existing, 'mine');
      assert.equal(codeOf(await host.handle('export:start', args(existing))), 'ALREADY_EXISTS');
      assert.equal(await readFile(existing, 'utf8'), 'mine');
    } finally {
      await host.close();
    }
  });

  it('a file that appears at the name while the export runs is not replaced; without the option it is (pull REF FILE)', async () => {
    const dir = join(work, 'race');
    await mkdir(dir);
    const target = join(dir, 'image.tar');
    const tar = await TarFile.create(target, false);
    await tar.addBytes('a.txt', Buffer.from('a'));
    await writeFile(target, 'appeared meanwhile');
    await assert.rejects(tar.commit(), (e: unknown) => isStevedoreError(e, 'ALREADY_EXISTS') && e.message.includes(target));
    await tar.discard();
    assert.equal(await readFile(target, 'utf8'), 'appeared meanwhile');
    assert.deepEqual(await readdir(dir), ['image.tar'], 'no temp file left');
    const replacing = await TarFile.create(target);
    await replacing.addBytes('a.txt', Buffer.from('a'));
    await replacing.commit();
    assert.notEqual(await readFile(target, 'utf8'), 'appeared meanwhile');
  });
});
