// TLS material is read only from regular files: a FIFO named as a CA file or in a certs.d directory is refused at once
// with NOT_A_FILE, instead of holding a libuv thread (and every request behind it) until someone writes to it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { MAX_CA_FILES, loadTlsSettings } from '../../electron/core/tls-files.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';

const BOUNDED = { timeout: 10_000 };
const notAFile = (pattern: RegExp) => (e: unknown) => isStevedoreError(e, 'NOT_A_FILE') && pattern.test(e.message);

describe('TLS files', () => {
  let dir: string;
  let fifo: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-tls-files-'));
    fifo = join(dir, 'ca.pem');
    execFileSync('mkfifo', [fifo]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a FIFO as the CA file', BOUNDED, async () => {
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { caFile: fifo }), notAFile(/^CA file .*ca\.pem is a FIFO, not a regular file$/));
  });

  it('refuses a FIFO in a certs.d directory, and a directory as the CA file', BOUNDED, async () => {
    const certs = join(dir, 'certs.d');
    await mkdir(certs);
    execFileSync('mkfifo', [join(certs, 'ca.crt')]);
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: certs }), notAFile(/^CA certificate .*ca\.crt is a FIFO, not a regular file$/));
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { caFile: certs }), notAFile(/is a directory, not a regular file$/));
  });

  it('refuses a FIFO as a client certificate or key', BOUNDED, async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const certFifo = join(dir, 'client-cert');
    await mkdir(certFifo);
    execFileSync('mkfifo', [join(certFifo, 'client.cert')]);
    await writeFile(join(certFifo, 'client.key'), pem);
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: certFifo }), notAFile(/^client certificate .*client\.cert is a FIFO, not a regular file$/));
    const keyFifo = join(dir, 'client-key');
    await mkdir(keyFifo);
    await writeFile(join(keyFifo, 'client.cert'), pem);
    execFileSync('mkfifo', [join(keyFifo, 'client.key')]);
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: keyFifo }), notAFile(/^client key .*client\.key is a FIFO, not a regular file$/));
  });

  it('reads at most MAX_CA_FILES CA files from a certs.d directory, and says so past it', BOUNDED, async () => {
    const certs = join(dir, 'many.d');
    await mkdir(certs);
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    await Promise.all(Array.from({ length: MAX_CA_FILES }, (_, i) => writeFile(join(certs, `ca${i}.crt`), pem)));
    assert.equal((await loadTlsSettings('127.0.0.1:5000', { certDir: certs })).ca?.length, MAX_CA_FILES);
    await writeFile(join(certs, 'one-more.crt'), pem);
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: certs }), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && e.message === `certificate directory ${certs} holds ${MAX_CA_FILES + 1} *.crt files, more than the ${MAX_CA_FILES} read`);
  });

  it('still reads a PEM file and says when one is not PEM', BOUNDED, async () => {
    const pem = join(dir, 'real.pem');
    await writeFile(pem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.deepEqual((await loadTlsSettings('127.0.0.1:5000', { caFile: pem })).ca, ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']);
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'hello');
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { caFile: junk }), (e: unknown) => isStevedoreError(e, 'CONFIG'));
  });

  it('a missing CA file, client key or certificate directory: one line naming the file and the registry it is for, not ENOENT', BOUNDED, async () => {
    const missing = join(dir, 'no-such-ca.pem');
    const config = (message: string) => (e: unknown) => isStevedoreError(e, 'CONFIG') && e.message === message;
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { caFile: missing }), config(`CA file ${missing} for 127.0.0.1:5000 does not exist`));
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: join(dir, 'no-such-dir') }), config(`certificate directory ${join(dir, 'no-such-dir')} for 127.0.0.1:5000 does not exist`));
    const notADir = join(dir, 'plain-file');
    await writeFile(notADir, 'x');
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: notADir }), config(`certificate directory ${notADir} for 127.0.0.1:5000 cannot be read (not a directory)`));
    // A key named by a dangling link: listed in the directory, gone when opened.
    const pair = join(dir, 'dangling-key');
    await mkdir(pair);
    await writeFile(join(pair, 'client.cert'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await symlink(join(dir, 'nowhere.key'), join(pair, 'client.key'));
    await assert.rejects(loadTlsSettings('127.0.0.1:5000', { certDir: pair }), config(`client key ${join(pair, 'client.key')} for 127.0.0.1:5000 does not exist`));
  });

  it('a registry profile whose CA file is missing fails its test with CONFIG, naming the file', BOUNDED, async () => {
    const missing = join(dir, 'gone.pem');
    const host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries-missing.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    try {
      const saved = await host.handle('registries:save', { profile: { name: 'missing', url: 'https://127.0.0.1:1', credentialSource: 'none', caFile: missing } });
      assert.ok(saved.ok);
      const result = await host.handle('registries:test', { id: (saved.value as { id: string }).id });
      assert.ok(result.ok);
      assert.deepEqual(result.value, { ok: false, code: 'CONFIG', message: `CA file ${missing} for 127.0.0.1:1 does not exist` });
    } finally {
      await host.close();
    }
  });

  it('a registry profile whose CA file is a FIFO fails its test with NOT_A_FILE', BOUNDED, async () => {
    const host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    try {
      const saved = await host.handle('registries:save', { profile: { name: 'fifo', url: 'https://127.0.0.1:1', credentialSource: 'none', caFile: fifo } });
      assert.ok(saved.ok);
      const result = await host.handle('registries:test', { id: (saved.value as { id: string }).id });
      assert.ok(result.ok);
      assert.deepEqual(result.value, { ok: false, code: 'NOT_A_FILE', message: `CA file ${fifo} is a FIFO, not a regular file` });
    } finally {
      await host.close();
    }
  });
});
