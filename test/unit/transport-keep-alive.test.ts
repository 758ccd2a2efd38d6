// The Transport keeps its connections alive across requests, HEAD requests too (undici alone closes the connection
// after each HEAD): a push's blob checks reuse one connection instead of opening one each.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Transport } from '../../electron/core/http/transport.js';

const ONCE = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } as const;

describe('Transport connections', () => {
  let server: Server;
  let url: string;
  let connections = 0;
  before(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', '5');
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/x/blobs/sha256:00`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('one connection for HEAD, GET and HEAD again, one after another', async () => {
    connections = 0;
    const transport = new Transport({ retry: ONCE, connections: 1 });
    try {
      for (const method of ['HEAD', 'GET', 'HEAD', 'HEAD'] as const) {
        const response = await transport.send({ method, url });
        assert.equal(response.status, 200);
        assert.equal(response.headers['content-length'], '5');
        assert.equal(await response.body.text(), method === 'HEAD' ? '' : 'hello');
      }
    } finally {
      await transport.close();
    }
    assert.equal(connections, 1);
  });
});

describe('closing a Transport', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // Answers /slow after a pause, everything else at once.
    server = createServer((req, res) => {
      const answer = () => res.end('done');
      if (req.url === '/slow') setTimeout(answer, 200);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('formats no error stack when nothing is under way (Node reads the stack of the error a socket ends with)', async () => {
    const transport = new Transport({ retry: ONCE });
    for (let i = 0; i < 3; i++) assert.equal(await (await transport.send({ method: 'GET', url: `${url}/v2/` })).body.text(), 'done');
    const formatted: string[] = [];
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = (error, frames) => {
      formatted.push(String((error as Error).message));
      return previous ? previous(error, frames) : `${String(error)}\n    at ${frames.join('\n    at ')}`;
    };
    try {
      await transport.close();
    } finally {
      Error.prepareStackTrace = previous;
    }
    assert.deepEqual(formatted, []);
    await assert.rejects(transport.send({ method: 'GET', url: `${url}/v2/` }));
  });

  it('lets a request under way finish first', async () => {
    const transport = new Transport({ retry: ONCE });
    const pending = transport.send({ method: 'GET', url: `${url}/slow` });
    // Sent before close() is called.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = transport.close();
    const response = await pending;
    assert.equal(await response.body.text(), 'done');
    await closed;
  });
});
