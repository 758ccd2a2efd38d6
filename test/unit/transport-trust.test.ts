// What the Transport's TLS connections trust, and what that costs: one SecureContext per CA set, made on the first
// TLS connection (a `ca` list handed to every tls.connect makes OpenSSL parse each certificate again per connection),
// and a NODE_EXTRA_CA_CERTS file deferred by bin/stevedore read then, not at start.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { takeDeferredExtraCa } from '../../electron/cli/extra-ca-handover.js';
import { deferredExtraCaFile } from '../../electron/core/deferred-extra-ca.js';
import { Transport } from '../../electron/core/http/transport.js';
import { secureContextFor } from '../../electron/core/http/trust.js';
import { makePki, type Pki } from '../harness/pki.js';

const tls = process.getBuiltinModule('node:tls');
const ONCE = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } as const;

describe('TLS trust in the Transport', () => {
  let dir: string;
  let pki: Pki;
  let server: Server;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-trust-'));
    pki = await makePki(dir);
    // Every answer closes its connection: each request makes a new TLS connection.
    server = createServer({ key: await readFile(pki.serverKeyFile), cert: await readFile(pki.serverCertFile) }, (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const threeRequests = async (transport: Transport): Promise<number> => {
    const contexts = mock.method(tls, 'createSecureContext');
    try {
      for (let i = 0; i < 3; i++) {
        const response = await transport.send({ method: 'GET', url });
        assert.equal(await response.body.text(), 'ok');
      }
      return contexts.mock.callCount();
    } finally {
      contexts.mock.restore();
      await transport.close();
    }
  };

  it('a registry CA: one SecureContext for three connections', async () => {
    assert.equal(await threeRequests(new Transport({ tls: { ca: pki.caCert }, retry: ONCE })), 1);
  });

  it('a deferred extra-CA file: read at the first TLS connection, trusted, one SecureContext', async () => {
    const extra = join(dir, 'extra.pem');
    const env: NodeJS.ProcessEnv = { STEVEDORE_EXTRA_CA_CERTS: extra };
    takeDeferredExtraCa(env);
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: extra }, 'handed back for child processes');
    assert.equal(deferredExtraCaFile(), extra, 'left where the Transport looks');
    const transport = new Transport({ retry: ONCE });
    // Written after the Transport exists: only a connection reads it.
    await copyFile(pki.caCertFile, extra);
    assert.equal(await threeRequests(transport), 1);
  });

  it('different trust settings never share a SecureContext, whatever their text holds', async () => {
    const [a, b] = [pki.caCert, await readFile(pki.serverCertFile, 'utf8')];
    const sets = [{ ca: [`${a}\0${b}`] }, { ca: [a, b] }, { ca: [a], clientCert: { cert: b, key: '' } }, { ca: [`${a}\0${b}\0`] }];
    const contexts = new Set(sets.map((set) => (() => { try { return secureContextFor(set); } catch (error) { return error; } })()));
    assert.equal(contexts.size, sets.length);
  });
});
