import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { proxyFromPacResult } from '../../electron/core/http/proxy-rules.js';
import { APP_ENTRY, CSP, isAppUrl, isFromAppWindow, serveAppRequest } from '../../electron/main/app-protocol.js';
import { keychainUnavailableReason } from '../../electron/main/keychain.js';
import { LaunchQueue, archivesFromArgv, filesFromAdditionalData, looksLikeArchive } from '../../electron/main/launch-files.js';
import { noSecretStoreBecause, requireSecretStore } from '../../electron/host/secret-store.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { sealedSecrets, type SecretCipher } from '../../electron/main/sealed-secrets.js';

describe('files the OS hands to the app', () => {
  it('takes archive paths from a packaged command line, resolved against the launching directory', () => {
    const argv = ['/opt/Stevedore/stevedore', '--no-sandbox', 'image.tar', '/data/b.tar.gz', 'c.TGZ', 'notes.txt', '-psn_0_1234'];
    assert.deepEqual(archivesFromArgv(argv, { cwd: '/home/u', packaged: true }), ['/home/u/image.tar', '/data/b.tar.gz', '/home/u/c.TGZ']);
  });

  it('skips the app path when unpackaged, and takes dash-names after --', () => {
    const argv = ['/x/electron', '/src/stevedore', 'a.tar', '--', '-odd.tar'];
    assert.deepEqual(archivesFromArgv(argv, { cwd: '/w', packaged: false }), ['/w/a.tar', '/w/-odd.tar']);
    assert.deepEqual(archivesFromArgv(['/x/electron', '/src/app.tar'], { cwd: '/w', packaged: false }), []);
  });

  it('recognises the associated extensions only', () => {
    assert.equal(looksLikeArchive('a.tar'), true);
    assert.equal(looksLikeArchive('a.tar.gz'), true);
    assert.equal(looksLikeArchive('A.TGZ'), true);
    assert.equal(looksLikeArchive('a.gz'), false);
    assert.equal(looksLikeArchive('a.tar.zst'), false);
  });

  it('holds files until the window is ready, delivers each once, and waits again across a reload', () => {
    const queue = new LaunchQueue();
    const delivered: (readonly string[])[] = [];
    const record = (paths: readonly string[]): void => void delivered.push(paths);
    queue.add(['/a.tar']); // macOS open-file before ready
    queue.add(['/a.tar', '/b.tar']);
    assert.deepEqual(queue.pending, ['/a.tar', '/b.tar']);
    queue.attach(record);
    assert.deepEqual(delivered, [['/a.tar', '/b.tar']]);
    queue.add(['/c.tar']); // a second instance while the window is up
    assert.deepEqual(delivered, [['/a.tar', '/b.tar'], ['/c.tar']]);
    queue.attach(undefined); // reloading
    queue.add(['/d.tar']);
    assert.equal(delivered.length, 2);
    assert.deepEqual(queue.pending, ['/d.tar']);
    queue.attach(record);
    assert.deepEqual(delivered.at(-1), ['/d.tar']);
    queue.add([]);
    assert.equal(delivered.length, 3);
  });

  it('accepts a second instance\'s files only as absolute path strings', () => {
    assert.deepEqual(filesFromAdditionalData({ files: ['/a.tar'] }), ['/a.tar']);
    assert.equal(filesFromAdditionalData({ files: ['relative.tar'] }), undefined);
    assert.equal(filesFromAdditionalData({ files: [1] }), undefined);
    assert.equal(filesFromAdditionalData(null), undefined);
    assert.equal(filesFromAdditionalData('x'), undefined);
  });
});

describe('the app:// protocol', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-protocol-'));
    await mkdir(join(dir, 'renderer/assets'), { recursive: true });
    await writeFile(join(dir, 'renderer/index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(dir, 'renderer/assets/app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'do not serve');
    await symlink(join(dir, 'secret.txt'), join(dir, 'renderer/assets/link.js'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('serves the renderer with the CSP as a response header', async () => {
    const page = await serveAppRequest(join(dir, 'renderer'), APP_ENTRY);
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['content-security-policy'], CSP);
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"]) assert.ok(CSP.includes(directive), directive);
    const script = await serveAppRequest(join(dir, 'renderer'), 'app://stevedore/assets/app.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(Buffer.from(script.body).toString(), 'console.log(1)');
  });

  it('never serves a file outside the renderer, nor another host, nor a bad escape', async () => {
    const root = join(dir, 'renderer');
    for (const url of ['app://stevedore/../secret.txt', 'app://stevedore/%2e%2e/secret.txt', 'app://stevedore/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 'app://stevedore/assets/link.js', 'app://other/index.html', 'app://stevedore/%ZZ', 'app://stevedore/missing.js']) {
      const answer = await serveAppRequest(root, url);
      assert.ok(answer.status >= 400, `${url} -> ${answer.status}`);
      assert.ok(!String(answer.body).includes('do not serve'), url);
    }
    assert.equal((await serveAppRequest(root, APP_ENTRY, 'POST')).status, 405);
  });

  it('trusts IPC only from our window showing app://stevedore', () => {
    assert.equal(isAppUrl('app://stevedore/index.html'), true);
    assert.equal(isAppUrl('file:///tmp/index.html'), false);
    assert.equal(isAppUrl('app://stevedore.evil/index.html'), false);
    assert.equal(isAppUrl('https://stevedore/'), false);
    assert.equal(isAppUrl(undefined), false);
    const event = (id: number, url: string | null) => ({ sender: { id }, senderFrame: url === null ? null : { url } });
    assert.equal(isFromAppWindow(event(3, 'app://stevedore/index.html'), 3), true);
    assert.equal(isFromAppWindow(event(3, 'file:///home/u/evil.html'), 3), false);
    assert.equal(isFromAppWindow(event(4, 'app://stevedore/index.html'), 3), false);
    assert.equal(isFromAppWindow(event(3, null), 3), false);
    assert.equal(isFromAppWindow(event(3, 'app://stevedore/index.html'), undefined), false);
  });
});

describe('OS keychain and network', () => {
  it('does not claim the keychain on Linux with basic_text', () => {
    const store = (backend: 'basic_text' | 'gnome_libsecret' | 'unknown', available = true) => ({ isEncryptionAvailable: () => available, getSelectedStorageBackend: () => backend });
    assert.match(keychainUnavailableReason(store('basic_text'), 'linux') ?? '', /basic_text/);
    assert.equal(keychainUnavailableReason(store('gnome_libsecret'), 'linux'), undefined);
    assert.equal(keychainUnavailableReason(store('unknown'), 'darwin'), undefined);
    assert.match(keychainUnavailableReason(store('gnome_libsecret', false), 'linux') ?? '', /not available/);
    const secrets = noSecretStoreBecause(keychainUnavailableReason(store('basic_text'), 'linux') ?? '');
    assert.throws(() => requireSecretStore(secrets), (error: Error & { code?: string }) => error.code === 'UNSUPPORTED' && /basic_text/.test(error.message) && /docker login/.test(error.message));
  });

  it('reads the proxy Chromium chose, PAC syntax included', () => {
    assert.deepEqual(proxyFromPacResult('DIRECT'), { kind: 'direct' });
    assert.deepEqual(proxyFromPacResult(''), { kind: 'direct' });
    assert.deepEqual(proxyFromPacResult('PROXY proxy.corp:3128; DIRECT'), { kind: 'proxy', url: 'http://proxy.corp:3128' });
    assert.deepEqual(proxyFromPacResult('HTTPS secure.corp:443'), { kind: 'proxy', url: 'https://secure.corp:443' });
    assert.deepEqual(proxyFromPacResult('SOCKS5 s:1080; PROXY [::1]:8080'), { kind: 'proxy', url: 'http://[::1]:8080' });
    assert.deepEqual(proxyFromPacResult('SOCKS5 s:1080'), { kind: 'unsupported', rule: 'SOCKS5 s:1080' });
    assert.deepEqual(proxyFromPacResult('PROXY bad'), { kind: 'unsupported', rule: 'PROXY bad' });
  });
});

describe('secrets sealed with the OS keychain', () => {
  // A stand-in for safeStorage: sealed text carries a marker; anything else fails to decrypt, as a secret sealed by
  // another keychain (a reset keyring, a profile copied from another machine) or an edited file does.
  const cipher: SecretCipher = {
    encryptString: (plain) => Buffer.from(`sealed:${plain}`),
    decryptString: (sealed) => {
      const text = sealed.toString('utf8');
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return text.slice('sealed:'.length);
    },
  };
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-sealed-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a secret across restarts, and asks again (AUTH_REQUIRED, not INTERNAL) for one that no longer decrypts', async () => {
    const path = join(dir, 'secrets.json');
    sealedSecrets(path, cipher).set('reg-1', 'hunter2');
    assert.equal(sealedSecrets(path, cipher).get('reg-1'), 'hunter2');
    assert.equal(sealedSecrets(path, cipher).get('reg-2'), undefined);
    await writeFile(path, JSON.stringify({ 'reg-1': Buffer.from('sealed by another keychain').toString('base64') }));
    const store = sealedSecrets(path, cipher);
    assert.throws(() => store.get('reg-1'), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED') && /enter it again/.test(e.message));
    // Entering it again replaces what no longer opens.
    store.set('reg-1', 'new-password');
    assert.equal(sealedSecrets(path, cipher).get('reg-1'), 'new-password');
  });

  it('a secrets file that exists but cannot be read is never replaced by a save (its other passwords would be lost)', async () => {
    const path = join(dir, 'kept-secrets.json');
    sealedSecrets(path, cipher).set('reg-1', 'hunter2');
    const before = await readFile(path, 'utf8');
    // Past the size bound (as a file unreadable for its permissions, or a hand edit that broke its JSON).
    await writeFile(path, before.padEnd(16 * 1024 * 1024 + 1, ' '));
    for (const store of [sealedSecrets(path, cipher), (await writeFile(path, `${before.slice(0, -1)},}`), sealedSecrets(path, cipher))]) {
      assert.equal(store.get('reg-1'), undefined, 'its secrets are not known');
      assert.throws(() => store.set('reg-2', 'other'), (e: unknown) => isStevedoreError(e, 'CONFIG') && /fix or remove it/.test(e.message));
      assert.equal(store.has('reg-2'), false, 'what was not saved is not pretended to be');
    }
    await writeFile(path, before);
    assert.equal(sealedSecrets(path, cipher).get('reg-1'), 'hunter2', 'the passwords are still there once the file is readable');
  });

  it('a secrets file of far more structure than secrets is refused before it is parsed, and never replaced', async () => {
    const path = join(dir, 'hostile-secrets.json');
    // Half a million empty lists beside a secret: JSON.parse would build them all.
    const hostile = `{"reg-1":"${Buffer.from('sealed:hunter2').toString('base64')}","junk":[${'[],'.repeat(500_000)}[]]}`;
    await writeFile(path, hostile);
    const store = sealedSecrets(path, cipher);
    assert.equal(store.get('reg-1'), undefined, 'its secrets are not known');
    assert.throws(() => store.set('reg-2', 'other'), (e: unknown) => isStevedoreError(e, 'CONFIG') && /holds more than 100 objects and arrays/.test(e.message) && /fix or remove it/.test(e.message));
    assert.equal(await readFile(path, 'utf8'), hostile);
  });
});
