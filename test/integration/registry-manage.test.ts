// Registries the user manages, through the contract against real registries: a profile is tested before it is
// saved; a `docker login` (config rewritten) or a credential helper with a new password takes effect without
// saving again; Docker Hub is an ordinary removable entry; no message in the app names a command-line option.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CachedCatalog, HostInfo } from '../../shared/contract.js';
import type { RegistryTestResult, RegistryView } from '../../shared/registry-profile.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { writeCredentialHelper } from '../harness/credential-helper.js';
import { freePort } from '../harness/ports.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';

describe('registries the user manages', () => {
  let basic: TestRegistry;
  let token: TestRegistry;
  let dir: string;
  let host: ContractHost;
  const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, PATH: process.env.PATH };

  const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');
  const writeConfig = (config: unknown): Promise<void> => writeFile(join(dir, 'config.json'), JSON.stringify(config));

  before(async () => {
    [basic, token] = await Promise.all([startRegistry('basic'), startRegistry('token')]);
    dir = await mkdtemp(join(tmpdir(), 'stevedore-manage-'));
    process.env.DOCKER_CONFIG = dir;
    process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
    await writeConfig({ auths: { [basic.host]: { auth: auth(ADMIN.username, 'wrong-password') } }, credHelpers: { [token.host]: 'managetest' } });
    await writeCredentialHelper(dir, 'managetest', { [token.host]: [ADMIN.username, 'also-wrong'] });
    // No registries.json yet: the first list suggests Docker Hub and the registries of the docker config.
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
  });
  after(async () => {
    await host?.close();
    await Promise.all([basic?.stop(), token?.stop()]);
    process.env.DOCKER_CONFIG = saved.DOCKER_CONFIG;
    process.env.PATH = saved.PATH;
    if (saved.DOCKER_CONFIG === undefined) delete process.env.DOCKER_CONFIG;
    await rm(dir, { recursive: true, force: true });
  });

  async function value<T>(channel: string, args: unknown): Promise<T> {
    const result = await host.handle(channel, args);
    if (!result.ok) assert.fail(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as T;
  }

  /** The entry offered for a registry of the docker config (one entry per registry: adding it again is refused). */
  async function listed(url: string): Promise<RegistryView> {
    const found = (await value<RegistryView[]>('registries:list', {})).find((r) => r.url === url);
    assert.ok(found, `an entry for ${url}`);
    return found;
  }

  it('Docker Hub is an ordinary entry the user can remove', async () => {
    const list = await value<RegistryView[]>('registries:list', {});
    const hub = list.find((r) => r.name === 'Docker Hub');
    assert.ok(hub);
    assert.deepEqual(await value('registries:remove', { id: hub.id }), { removed: true });
    assert.ok(!(await value<RegistryView[]>('registries:list', {})).some((r) => r.name === 'Docker Hub'));
  });

  it('tests a profile before saving it, and saves nothing when it fails', async () => {
    const before = (await value<RegistryView[]>('registries:list', {})).length;
    const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>router</title>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const cases: [string, string][] = [
      [`127.0.0.1:${await freePort()}`, 'NETWORK'],
      [`127.0.0.1:${(web.address() as AddressInfo).port}`, 'UNSUPPORTED'],
      [basic.host, 'AUTH_FAILED'],
    ];
    for (const [url, code] of cases) {
      const result = await value<RegistryTestResult>('registries:check', { profile: { name: url, url, credentialSource: 'docker-config' } });
      assert.equal(result.ok ? 'ok' : result.code, code, url);
      assert.doesNotMatch(result.message ?? '', /--[a-z]/, 'no command-line option in an app message');
    }
    web.close();
    assert.equal((await value<RegistryView[]>('registries:list', {})).length, before);
    const anonymous = await value<RegistryTestResult>('registries:check', { profile: { name: 'anon', url: basic.host, credentialSource: 'none' } });
    assert.equal(anonymous.code, 'AUTH_REQUIRED');
    assert.match(anonymous.message ?? '', /docker login/);
    assert.doesNotMatch(anonymous.message ?? '', /--[a-z]/);
  });

  it('a docker login with a new password takes effect on the next try, without saving the registry again', async () => {
    const profile = await listed(basic.host);
    const first = await value<RegistryTestResult>('registries:test', { id: profile.id });
    assert.equal(first.code, 'AUTH_FAILED');
    await writeConfig({ auths: { [basic.host]: { auth: auth(ADMIN.username, ADMIN.password) } }, credHelpers: { [token.host]: 'managetest' } });
    const second = await value<RegistryTestResult>('registries:test', { id: profile.id });
    assert.deepEqual([second.ok, second.usedCredentials], [true, true]);
    const catalog = await host.handle('catalog:list', { registryId: profile.id });
    assert.ok(catalog.ok);
  });

  it('removing a registry deletes its cached catalog', async () => {
    const profile = await listed(basic.host);
    await value('catalog:list', { registryId: profile.id });
    const file = join(dir, 'cache', 'catalogs', `${createHash('sha256').update(profile.id).digest('hex').slice(0, 32)}.json`);
    // The walk's last page is written behind the answer.
    for (let i = 0; i < 200 && !(await stat(file).catch(() => undefined)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok((await value<CachedCatalog>('catalog:cached', { registryId: profile.id })).savedAt);
    assert.deepEqual(await value('registries:remove', { id: profile.id }), { removed: true });
    assert.equal(await stat(file).catch(() => undefined), undefined);
  });

  it('a credential helper holding a new password is asked again when the registry refuses the old one', async () => {
    const profile = await listed(token.host);
    const first = await value<RegistryTestResult>('registries:test', { id: profile.id });
    assert.equal(first.code, 'AUTH_FAILED');
    // The config file is untouched: only the helper's answer changes, as after `docker login` with a credsStore.
    await writeCredentialHelper(dir, 'managetest', { [token.host]: [ADMIN.username, ADMIN.password] });
    const catalog = await host.handle('catalog:list', { registryId: profile.id });
    assert.ok(catalog.ok, JSON.stringify(catalog));
  });

  it('refuses a second entry for a registry already there, naming it; the entry itself still saves', async () => {
    const team = await value<RegistryView>('registries:save', { profile: { name: 'Team', url: basic.host, credentialSource: 'docker-config' } });
    const count = (await value<RegistryView[]>('registries:list', {})).length;
    for (const url of [basic.host, `http://${basic.host}/v2/`, `HTTPS://${basic.host}`]) {
      const again = await host.handle('registries:save', { profile: { name: 'again', url, credentialSource: 'none' } });
      assert.equal(again.ok ? 'saved' : again.error.code, 'ALREADY_EXISTS', url);
      assert.equal(again.ok ? '' : again.error.message, `${basic.host} is already in your registries as "Team"; edit that entry instead`);
    }
    const other = (await value<RegistryView[]>('registries:list', {})).find((r) => r.url === token.host);
    assert.ok(other);
    const moved = await host.handle('registries:save', { profile: { id: other.id, name: other.name, url: basic.host, credentialSource: 'docker-config' } });
    assert.equal(moved.ok ? 'saved' : moved.error.code, 'ALREADY_EXISTS', 'moved onto another entry\'s registry');
    const renamed = await value<RegistryView>('registries:save', { profile: { id: team.id, name: 'Team renamed', url: `http://${basic.host}`, credentialSource: 'docker-config', bookmarks: ['team/api'] } });
    assert.equal(renamed.id, team.id);
    const list = await value<RegistryView[]>('registries:list', {});
    assert.equal(list.length, count);
    assert.deepEqual(list.filter((r) => r.url.includes(basic.host)).map((r) => r.name), ['Team renamed']);
    await value('registries:remove', { id: team.id });
  });

  it('says the web host has no secure store, and why, before the user picks that option', async () => {
    const info = await value<HostInfo>('app:info', {});
    assert.equal(info.secureStore, false);
    assert.match(info.secureStoreReason ?? '', /no secure store/);
    assert.doesNotMatch(info.secureStoreReason ?? '', /--[a-z]/);
  });
});
