// The registries the user keeps, loaded once however many callers ask at the same moment, and changed by requests
// that arrive together without losing one or letting a registry in twice.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';

describe('ProfileStore', () => {
  let dir: string;
  const saved = process.env.DOCKER_CONFIG;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-profiles-'));
    process.env.DOCKER_CONFIG = join(dir, 'no-docker-config');
  });
  after(async () => {
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('two first lists at once see the same suggested entries, so an id from either can be removed', async () => {
    const store = new ProfileStore(join(dir, 'a', 'registries.json'));
    // The host warms its catalog cache with a list of its own while the page asks for one.
    const [first, second] = await Promise.all([store.list(), store.list()]);
    assert.deepEqual(first.map((p) => p.id), second.map((p) => p.id));
    const hub = first.find((p) => p.name === 'Docker Hub');
    assert.ok(hub);
    assert.equal(await store.remove(hub.id), true);
    assert.deepEqual(await new ProfileStore(join(dir, 'a', 'registries.json')).list(), []);
  });

  it('a registry list that exists but cannot be read is reported, never replaced by the first-start suggestions', async () => {
    const folder = join(dir, 'unreadable');
    await mkdir(folder);
    const kept = JSON.stringify({ version: 1, profiles: [{ id: 'mine', name: 'Mine', url: 'registry.example', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] }] });
    // A symlink loop fails the open with ELOOP, as a file without read permission fails it with EACCES (root reads
    // every file, so that one is tried only as another user).
    await symlink('loop-b.json', join(folder, 'loop-a.json'));
    await symlink('loop-a.json', join(folder, 'loop-b.json'));
    await assert.rejects(new ProfileStore(join(folder, 'loop-a.json')).list(), (error: Error & { code?: string }) => error.code === 'CONFIG' && /cannot read/.test(error.message));
    const locked = join(folder, 'registries.json');
    await writeFile(locked, kept, { mode: 0o600 });
    await chmod(locked, 0);
    if (process.getuid?.() !== 0) await assert.rejects(new ProfileStore(locked).list(), (error: Error & { code?: string }) => error.code === 'CONFIG');
    await chmod(locked, 0o600);
    assert.equal(await readFile(locked, 'utf8'), kept, 'the list is still there');
  });

  it('a registry list of hostile structure or the wrong shape is refused with CONFIG naming it, and never saved over', async () => {
    const folder = join(dir, 'hostile');
    await mkdir(folder);
    const file = join(folder, 'registries.json');
    const profile = { id: 'mine', name: 'Mine', url: 'registry.example', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: ['team/app'] };
    const cases: readonly (readonly [string, RegExp])[] = [
      // 600,000 empty lists in under 2 MB: JSON.parse would build every one of them before anything looked.
      [`{"version":1,"profiles":[${'[],'.repeat(600_000)}[]]}`, /^registry list .* holds more than \d+ objects and arrays, far more than a real one; fix or remove it$/],
      [JSON.stringify({ version: 1, profiles: [{ ...profile, bookmarks: 'team/app' }] }), /^registry list .* is not valid: profiles\.0\.bookmarks: .*; fix or remove it$/],
      [JSON.stringify({ version: 1, profiles: [{ ...profile, concurrency: 'many' }] }), /^registry list .* is not valid: profiles\.0\.concurrency: .*; fix or remove it$/],
      [JSON.stringify({ version: 1, profiles: [{ ...profile, bookmarks: ['../../etc'] }] }), /^registry list .* is not valid: profiles\.0\.bookmarks\.0: not a valid repository name; fix or remove it$/],
      [JSON.stringify({ version: 2, profiles: [] }), /has schema version 2, this build reads 1$/],
    ];
    for (const [text, expected] of cases) {
      await writeFile(file, text);
      const store = new ProfileStore(file);
      for (const attempt of [() => store.list(), () => store.save({ name: 'new', url: 'new.example', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] })]) {
        await assert.rejects(attempt(), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CONFIG', error.message);
          assert.match(error.message, expected);
          assert.ok(error.message.includes(file), error.message);
          return true;
        });
      }
      assert.equal(await readFile(file, 'utf8'), text, 'the file is left as it was');
    }
    await writeFile(file, JSON.stringify({ version: 1, profiles: [profile] }));
    assert.deepEqual(await new ProfileStore(file).list(), [profile]);
  });

  it('changes made at once all count, during the first load and after it', async () => {
    // Two requests that arrive in one read from the page's socket run side by side up to their first real wait.
    const file = join(dir, 'b', 'registries.json');
    const store = new ProfileStore(file);
    const entry = (name: string) => ({ name, url: `${name}.example`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] }) as const;
    const [one] = await Promise.all([store.save(entry('one')), store.save(entry('two'))]);
    assert.deepEqual((await store.list()).map((p) => p.name).sort(), ['Docker Hub', 'one', 'two']);
    await Promise.all([store.save(entry('three')), store.remove(one.id), store.save({ ...entry('four'), bookmarks: ['team/app'] })]);
    const names = ['Docker Hub', 'four', 'three', 'two'];
    assert.deepEqual((await store.list()).map((p) => p.name).sort(), names);
    assert.deepEqual((await new ProfileStore(file).list()).map((p) => p.name).sort(), names, 'and so does the file');
  });

  it('two saves of one new registry at once keep one entry and refuse the other', async () => {
    const host = new ContractHost({ profiles: new ProfileStore(join(dir, 'c', 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'c', 'cache'), emit: () => undefined });
    try {
      const save = (name: string) => host.handle('registries:save', { profile: { name, url: 'twice.example:5000', credentialSource: 'none' } });
      const answers = await Promise.all([save('first'), save('second')]);
      assert.deepEqual(answers.map((a) => (a.ok ? 'saved' : a.error.code)), ['saved', 'ALREADY_EXISTS']);
      const listed = await host.handle('registries:list', {});
      assert.deepEqual(listed.ok ? (listed.value as { name: string }[]).map((r) => r.name).sort() : listed, ['Docker Hub', 'first']);
    } finally {
      await host.close();
    }
  });
});
