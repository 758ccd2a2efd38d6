// The web host's timeouts: a connection that stalls (in its headers or its body, as slowloris does) is closed once it
// has been silent for the idle timeout, while an upload that keeps moving may take as long as it takes (Node's
// default 5-minute deadline on a whole request used to cut big uploads off with a 408), and the page's WebSocket may
// sit idle for as long as the page is open.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { TOKEN_HEADER, socketProtocols } from '../../shared/wire.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';

const IDLE_MS = 1_000;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `bytes` and then nothing; resolves whether the host closed the connection within `withinMs`. */
async function stalls(port: number, bytes: string, withinMs: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  socket.write(bytes);
  const verdict = await Promise.race([closed, pause(withinMs).then(() => false)]);
  socket.destroy();
  return verdict;
}

describe('web host timeouts', () => {
  let web: WebHost;
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-timeouts-'));
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work, idleTimeoutMs: IDLE_MS });
  });
  after(async () => {
    await web?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('closes a connection that stalls in its headers or in its body', async () => {
    const host = `Host: 127.0.0.1:${web.port}\r\n`;
    // Well within Node's own deadlines (60 s for headers, 5 minutes for a request), far past the idle timeout.
    assert.ok(await stalls(web.port, `GET / HTTP/1.1\r\n${host}X-Slow: 1\r\n`, 15_000), 'a request stalled in its headers was kept open');
    assert.ok(await stalls(web.port, `POST /upload HTTP/1.1\r\n${host}Content-Length: 100000\r\n\r\nsome`, 15_000), 'a request stalled in its body was kept open');
  });

  it('takes an upload that keeps moving for longer than the idle timeout', async () => {
    const chunks = 12;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: web.port, method: 'POST', path: '/upload?name=slow.tar', headers: { host: `127.0.0.1:${web.port}`, origin: `http://127.0.0.1:${web.port}`, [TOKEN_HEADER]: web.token, 'content-length': chunks * 1024 } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      let sent = 0;
      const timer = setInterval(() => {
        req.write(Buffer.alloc(1024, 0x61));
        if (++sent === chunks) {
          clearInterval(timer);
          req.end();
        }
      }, IDLE_MS / 4);
    });
    assert.equal(answer.status, 201, answer.body);
    const { path } = JSON.parse(answer.body) as { path: string };
    assert.equal((await stat(path)).size, chunks * 1024);
  });

  it('keeps an idle WebSocket open', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols(web.token), { origin: `http://127.0.0.1:${web.port}` });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let closed = false;
    ws.once('close', () => (closed = true));
    await pause(IDLE_MS * 3);
    assert.equal(closed, false, 'the page socket was closed for being idle');
    const answer = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(JSON.stringify({ type: 'request', id: 1, channel: 'registries:list', args: {} }));
    assert.match(await answer, /"ok":true/);
    ws.close();
  });
});
