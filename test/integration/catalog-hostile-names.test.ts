// A catalog answered by something that is not an honest registry: names with HTML and escape sequences, a name past
// the spec's 255 characters, one of a megabyte. Only names a repository can have are listed; the rest are skipped
// like the junk entries registries are known to send, so that no screen, cache or contract call meets them.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../electron/core/registry/client.js';

describe('hostile catalog names', () => {
  const longest = `${'a'.repeat(127)}/${'b'.repeat(127)}`;
  const names = ['good/app', '<img src=x onerror=alert(1)>', 'evil\x1b[2J', 'a'.repeat(256), `${'c'.repeat(200)}/${'d'.repeat(100)}`, 'e'.repeat(1024 * 1024), longest];
  let server: ReturnType<typeof createServer>;
  let host: string;

  before(async () => {
    server = createServer((req, res) => {
      const body = (req.url ?? '').startsWith('/v2/_catalog') ? JSON.stringify({ repositories: names }) : '{}';
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lists only names of at most 255 characters in the repository grammar', async () => {
    const client = new RegistryClient({ registry: host });
    try {
      assert.deepEqual(await client.listRepositories(), ['good/app', longest]);
      const page = await client.catalogPage();
      assert.deepEqual(page.items, ['good/app', longest]);
    } finally {
      await client.close();
    }
  });
});
