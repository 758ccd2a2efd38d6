// TLS with a test CA, and registries that are not there: the errors a user sees must say what is wrong.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
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

  it('works with the CA from a certs.d-style directory', async () => {
    const tls = await loadTlsSettings(reg.host, { certDir });
    const client = new RegistryClient({ registry: reg.host, tls, retry: FAST_RETRY });
    assert.equal((await client.ping()).url, `https://${reg.host}`);
    await client.close();
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
