// Deleting on a registry that forbids it, and reaching a registry through an HTTP proxy from the environment.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { FAST_RETRY, clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

describe('registry with deletion disabled', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry('none', { deleteEnabled: false });
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });

  it('answers UNSUPPORTED with a message that says why', async () => {
    const image = await seedImage(reg, 'keep/me', '1');
    const client = clientFor(reg);
    await assert.rejects(client.deleteManifest('keep/me', image.digest), (e: unknown) => isStevedoreError(e, 'UNSUPPORTED') && e.details.status === 405 && /does not allow deleting/.test(e.message));
    assert.equal((await client.getManifest('keep/me', '1')).digest, image.digest);
    await client.close();
  });
});

describe('HTTP proxy from the environment', () => {
  let reg: TestRegistry;
  let proxy: Server;
  const proxied: string[] = [];
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };

  before(async () => {
    reg = await startRegistry('none');
    await seedImage(reg, 'via/proxy', 'v1');
    const port = reg.host.split(':')[1];
    // A forward proxy that knows one name: registry.stevedore.test -> the test registry on loopback.
    proxy = createServer((req, res) => {
      const target = new URL(req.url ?? '/');
      proxied.push(`${req.method} ${target.host}${target.pathname}`);
      if (target.hostname !== 'registry.stevedore.test') {
        res.writeHead(502).end();
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    // Tunnelled requests (CONNECT), as undici's ProxyAgent sends them.
    proxy.on('connect', (req, socket, head) => {
      const [hostname] = (req.url ?? '').split(':');
      proxied.push(`CONNECT ${req.url ?? ''}`);
      if (hostname !== 'registry.stevedore.test') {
        socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await closeSeeders(reg);
    await reg.stop();
  });

  it('sends requests for a non-loopback registry through HTTP_PROXY', async () => {
    const port = reg.host.split(':')[1];
    const client = new RegistryClient({ registry: `registry.stevedore.test:${port}`, scheme: 'http', insecure: true, retry: FAST_RETRY });
    assert.deepEqual(await client.listTags('via/proxy'), ['v1']);
    const seen = [`GET registry.stevedore.test:${port}/v2/via/proxy/tags/list`, `CONNECT registry.stevedore.test:${port}`];
    assert.ok(proxied.some((line) => seen.includes(line)), proxied.join('\n'));
    await client.close();
  });

  it('never proxies a loopback registry', async () => {
    const before = proxied.length;
    const client = clientFor(reg);
    assert.deepEqual(await client.listTags('via/proxy'), ['v1']);
    assert.equal(proxied.length, before);
    await client.close();
  });
});
