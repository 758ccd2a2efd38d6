import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configKeyHost, dockerConfigCredentials, readDockerConfig } from '../../electron/core/auth/docker-config.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { writeCredentialHelper } from '../harness/credential-helper.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('docker config credentials', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-dockercfg-'));
    await writeCredentialHelper(dir, 'testhelper', {
      'helped.example:5000': ['helper-user', 'helper-secret'],
      'https://index.docker.io/v1/': ['<token>', 'hub-refresh-token'],
    });
    env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, DOCKER_CONFIG: dir };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const writeConfig = (config: unknown): Promise<void> => writeFile(join(dir, 'config.json'), JSON.stringify(config));

  it('reads inline auths under any key spelling', async () => {
    await writeConfig({ auths: { 'https://plain.example/v1/': { auth: b64('ann:pa:ss') }, 'other.example': { username: 'u', password: 'p' } } });
    const provider = dockerConfigCredentials({ env });
    assert.deepEqual(await provider.get('plain.example'), { kind: 'basic', username: 'ann', password: 'pa:ss' });
    assert.deepEqual(await provider.get('other.example'), { kind: 'basic', username: 'u', password: 'p' });
    assert.equal(await provider.get('unknown.example'), undefined);
  });

  it('prefers credHelpers, then credsStore, falling back to inline auths', async () => {
    await writeConfig({
      auths: { 'helped.example:5000': { auth: b64('inline:ignored') }, 'inline.example': { auth: b64('in:line') } },
      credsStore: 'testhelper',
      credHelpers: { 'helped.example:5000': 'testhelper' },
    });
    const provider = dockerConfigCredentials({ env });
    assert.deepEqual(await provider.get('helped.example:5000'), { kind: 'basic', username: 'helper-user', password: 'helper-secret' });
    assert.deepEqual(await provider.get('docker.io'), { kind: 'identity-token', token: 'hub-refresh-token' });
    assert.deepEqual(await provider.get('inline.example'), { kind: 'basic', username: 'in', password: 'line' });
    const calls = await readFile(join(dir, 'calls.log'), 'utf8');
    assert.match(calls, /get helped\.example:5000/);
    assert.match(calls, /get https:\/\/index\.docker\.io\/v1\//);
  });

  it('reads identity tokens and registry tokens', async () => {
    await writeConfig({ auths: { 'id.example': { auth: b64('me:'), identitytoken: 'refresh' }, 'rt.example': { registrytoken: 'bearer-tok' } } });
    const provider = dockerConfigCredentials({ env });
    assert.deepEqual(await provider.get('id.example'), { kind: 'identity-token', token: 'refresh', username: 'me' });
    assert.deepEqual(await provider.get('rt.example'), { kind: 'registry-token', token: 'bearer-tok' });
  });

  it('names the file and the problem when the config is broken', async () => {
    await writeFile(join(dir, 'config.json'), '{ not json');
    await assert.rejects(readDockerConfig(join(dir, 'config.json')), (e: unknown) => isStevedoreError(e, 'CONFIG') && e.message.includes('config.json'));
    await writeConfig({ credHelpers: { 'x.example': 'missing' } });
    await assert.rejects(dockerConfigCredentials({ env }).get('x.example'), /docker-credential-missing is not installed/);
  });

  it('refuses a config past 4 MiB, or one within it holding far more structure than a config, before parsing it', async () => {
    const path = join(dir, 'config.json');
    // Valid JSON, and read by the old 16 MB bound: a config this size is no config.
    await writeFile(path, JSON.stringify({ auths: {}, padding: 'x'.repeat(4 * 1024 * 1024) }));
    await assert.rejects(readDockerConfig(path), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && e.message.includes(path));
    // 1.5 million empty arrays in 3 MiB: JSON.parse would build every one of them.
    await writeFile(path, `{"auths":{},"junk":[${'[],'.repeat(1_000_000)}[]]}`);
    await assert.rejects(readDockerConfig(path), (e: unknown) => isStevedoreError(e, 'CONFIG') && e.message.startsWith(`docker config ${path} holds more than`));
  });

  it('refuses an auths entry of the wrong type, as docker does, naming the file and the entry, never a value', async () => {
    const path = join(dir, 'config.json');
    for (const [config, expected] of [
      [{ auths: [] }, '"auths" is not an object'],
      [{ auths: { 'bad.example': 'dXNlcjpwYXNz' } }, '"auths" entry "bad.example" is not an object'],
      [{ auths: { 'bad.example': { auth: 5 } } }, '"auth" of "auths" entry "bad.example" is not a string'],
      [{ auths: { 'bad.example': { username: 'u', password: ['hunter2'] } } }, '"password" of "auths" entry "bad.example" is not a string'],
    ] as const) {
      await writeConfig(config);
      await assert.rejects(dockerConfigCredentials({ env }).get('bad.example'), (e: unknown) => {
        assert.ok(isStevedoreError(e, 'CONFIG'), String(e));
        assert.equal(e.message, `docker config ${path} is not valid: ${expected}; fix or remove it`);
        return true;
      });
    }
    // null is absent (docker reads it so); a registry named "__proto__" is an entry like any other.
    await writeFile(path, `{"auths":{"ok.example":{"auth":"${b64('u:p')}","identitytoken":null},"__proto__":{"auth":"${b64('x:y')}"}}}`);
    assert.deepEqual(await dockerConfigCredentials({ env }).get('ok.example'), { kind: 'basic', username: 'u', password: 'p' });
    assert.deepEqual(Object.keys((await readDockerConfig(path)).auths).sort(), ['__proto__', 'ok.example']);
  });

  it('reads a config as docker does: field names in any case (the last one winning), a null entry as an empty one', async () => {
    const path = join(dir, 'config.json');
    // Go's decoder matches "Auth" to `json:"auth"`; a config written with the Go field names logs docker in.
    await writeFile(path, `{"Auths":{"pascal.example":{"Username":"ann","Password":"s3cret"},"both.example":{"auth":"${b64('old:x')}","AUTH":"${b64('new:y')}"},"empty.example":null},"CredHelpers":{"helped.example:5000":"testhelper"}}`);
    const provider = dockerConfigCredentials({ env });
    assert.deepEqual(await provider.get('pascal.example'), { kind: 'basic', username: 'ann', password: 's3cret' });
    assert.deepEqual(await provider.get('both.example'), { kind: 'basic', username: 'new', password: 'y' });
    assert.equal(await provider.get('empty.example'), undefined);
    assert.deepEqual(await provider.get('helped.example:5000'), { kind: 'basic', username: 'helper-user', password: 'helper-secret' });
  });

  it('says where a config is not JSON without quoting it', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, `{"auths":{"x.example":{"auth":${b64('ann:hunter2')}}}}`);
    await assert.rejects(readDockerConfig(path), (e: unknown) => isStevedoreError(e, 'CONFIG') && e.message.startsWith(`docker config ${path} is not valid JSON`) && !e.message.includes(b64('ann:hunter2').slice(0, 8)));
  });

  it('treats an empty config file, one of whitespace, or null as an empty config, as docker does', async () => {
    const path = join(dir, 'config.json');
    for (const text of ['', ' \n\t\r\n', 'null']) {
      await writeFile(path, text);
      assert.deepEqual(await readDockerConfig(path), { path, auths: {}, credHelpers: {} }, JSON.stringify(text));
      assert.equal(await dockerConfigCredentials({ env }).get('x.example'), undefined);
    }
  });

  it('treats a missing config as empty', async () => {
    const config = await readDockerConfig(join(dir, 'nope', 'config.json'));
    assert.deepEqual(config.auths, {});
  });

  it('normalises config keys to registry hosts', () => {
    assert.equal(configKeyHost('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(configKeyHost('http://localhost:5000'), 'localhost:5000');
  });
});
