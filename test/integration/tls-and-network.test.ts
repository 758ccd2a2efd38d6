// TLS with a test CA, and registries that are not there: the errors a user sees must say what is wrong.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { resetLog } from '../../electron/core/log.js';
import { configureLog } from '../../electron/core/log-writer.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { SchemeMemory } from '../../electron/core/registry/scheme-memory.js';
import { loadTlsSettings } from '../../electron/core/tls-files.js';
import { FAST_RETRY, clientFor } from '../harness/clients.js';
import { freePort } from '../harness/ports.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';

describe('TLS registry', () => {
  let reg: TestRegistry;
  let certDir: string;
  before(async () => {
    reg = await startRegistry('tls');
    certDir = await mkdtemp(join(tmpdir(), 'stevedore-certsd-'));
    await writeFile(join(certDir, 'ca.crt'), reg.pki!.caCert);
  });
  after(async () => {
    await reg.stop();
    await rm(certDir, { recursive: true, force: true });
  });

  it('fails with a clear TLS error without the CA, and does not fall back to HTTP', async () => {
    const client = clientFor(reg, { trustCa: false });
    await assert.rejects(client.ping(), (e: unknown) => isStevedoreError(e, 'TLS') && /CA certificate/.test(e.message) && e.message.includes(reg.host));
    await client.close();
  });

  it('asked in plain HTTP (an http:// address), says it speaks HTTPS, not "HTTP 400"', async () => {
    const client = new RegistryClient({ registry: reg.host, scheme: 'http', retry: FAST_RETRY });
    await assert.rejects(client.listRepositories(), (e: unknown) => isStevedoreError(e, 'CONFIG') && e.message === `${reg.host} speaks HTTPS, not plain HTTP: use an https:// address (it answered "Client sent an HTTP request to an HTTPS server")`);
    await client.close();
  });

  it('works with the CA from a certs.d-style directory', async () => {
    const tls = await loadTlsSettings(reg.host, { certDir });
    const client = new RegistryClient({ registry: reg.host, tls, retry: FAST_RETRY });
    assert.equal((await client.ping()).url, `https://${reg.host}`);
    await client.close();
  });

  it('a loopback registry remembered as plain HTTP that now speaks TLS is probed again, and forgotten', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-schemes-tls-'));
    try {
      const schemes = new SchemeMemory(cacheDir);
      schemes.remember(reg.host, 'http');
      assert.equal(schemes.plainHttp(reg.host), true);
      const client = new RegistryClient({ registry: reg.host, tls: { ca: reg.pki!.caCert }, schemes, retry: FAST_RETRY });
      assert.equal((await client.ping()).url, `https://${reg.host}`);
      await client.close();
      assert.equal(schemes.plainHttp(reg.host), false);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('requests sent at once on a remembered plain HTTP that now speaks TLS are sent again over TLS', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-schemes-tls-many-'));
    try {
      const schemes = new SchemeMemory(cacheDir);
      schemes.remember(reg.host, 'http');
      const client = new RegistryClient({ registry: reg.host, tls: { ca: reg.pki!.caCert }, schemes, retry: FAST_RETRY });
      const missing = (n: number): string => `sha256:${String(n).repeat(64)}`;
      assert.deepEqual(await Promise.all([1, 2, 3].map((n) => client.headBlob('nothing/here', missing(n)))), [undefined, undefined, undefined]);
      assert.equal(await client.baseUrl(), `https://${reg.host}`);
      await client.close();
      assert.equal(schemes.plainHttp(reg.host), false);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('works unverified only with the insecure opt-in', async () => {
    const client = new RegistryClient({ registry: reg.host, insecure: true, retry: FAST_RETRY });
    assert.equal((await client.ping()).url, `https://${reg.host}`);
    await client.close();
  });
});

describe('registry that is not there', () => {
  it('answers NETWORK with "connection refused"', async () => {
    const port = await freePort();
    const client = new RegistryClient({ registry: `127.0.0.1:${port}`, retry: FAST_RETRY });
    await assert.rejects(client.ping(), (e: unknown) => isStevedoreError(e, 'NETWORK') && /connection refused/.test(e.message));
    await client.close();
  });

  it('refuses plain HTTP to a non-loopback registry without the opt-in', async () => {
    const client = new RegistryClient({ registry: 'registry.invalid', scheme: 'http', retry: FAST_RETRY });
    await assert.rejects(client.ping(), (e: unknown) => isStevedoreError(e, 'CONFIG') && /insecure/.test(e.message));
    await client.close();
  });
});

describe('remembered schemes', () => {
  it('a loopback registry found speaking plain HTTP is asked in plain HTTP at once by the next client', async () => {
    const reg = await startRegistry('none');
    const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-schemes-'));
    const lines: string[] = [];
    try {
      const schemes = new SchemeMemory(cacheDir);
      const first = new RegistryClient({ registry: reg.host, schemes, retry: FAST_RETRY });
      assert.equal((await first.ping()).url, `http://${reg.host}`);
      await first.close();
      assert.equal(schemes.plainHttp(reg.host), true);
      configureLog({ write: (line: string) => void lines.push(line) }, 'debug');
      const second = new RegistryClient({ registry: reg.host, schemes: new SchemeMemory(cacheDir), retry: FAST_RETRY });
      assert.equal((await second.ping()).url, `http://${reg.host}`);
      await second.close();
      const urls = lines.map((l) => JSON.parse(l) as { event: string; url?: string }).filter((l) => l.event === 'http').map((l) => l.url);
      assert.ok(urls.length > 0);
      assert.deepEqual(urls.filter((u) => u?.startsWith('https:')), [], 'no TLS attempt');
    } finally {
      resetLog();
      await reg.stop();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('never remembers plain HTTP for a host that is not loopback', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-schemes-remote-'));
    try {
      const schemes = new SchemeMemory(cacheDir);
      schemes.remember('registry.example.com', 'http');
      // Even a file planted under the host's name is not believed.
      await mkdir(join(cacheDir, 'schemes'), { recursive: true });
      await writeFile(join(cacheDir, 'schemes', 'registry.example.com'), 'http\n');
      assert.equal(schemes.plainHttp('registry.example.com'), false);
      assert.equal(schemes.plainHttp('localhost:5000'), false);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
