// The local web host under hostile input: a malformed URL, an unparsable request, an oversized or non-UTF-8
// WebSocket frame each get an answer or a closed connection, and the host (with the push it runs) stays up. A
// schema-valid request of the largest size gets through; a bigger one is refused by the client with TOO_LARGE. A
// client that leaves, or a host that closes, stops the archive reading it started.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { ContractApi, PushJobView, Result } from '../../shared/contract.js';
import { MAX_CLIENT_MESSAGE_BYTES, socketProtocols } from '../../shared/wire.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { liveArchiveReaders } from '../../electron/core/archive/inspect-archive.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoDigest } from '../harness/verify-push.js';
import { contractClient, httpCall, rawExchange, waitFor, writeSlowArchive } from '../harness/web-client.js';

/** A raw socket with the token, to send what no well-behaved client would; resolves with the close code. */
async function sendRaw(web: WebHost, send: (ws: WebSocket) => void): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws`, socketProtocols(web.token), { origin: `http://127.0.0.1:${web.port}` });
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', () => reject(new Error('refused')));
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  send(ws);
  return closed;
}

const bookmark = (i: number): string => `${'b'.repeat(245)}${String(i).padStart(10, '0')}`;

describe('the web host under hostile input', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let work: string;
  let client: { api: ContractApi; close(): void };
  const finished: PushJobView[] = [];
  let registryId = '';

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-hostile-'));
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work });
    client = contractClient(web.port, web.token);
    client.api.on('push:finished', (view) => finished.push(view));
    const saved = await client.api.registriesSave({ profile: { name: 'local', url: reg.host, credentialSource: 'none' } });
    assert.ok(saved.ok, JSON.stringify(saved));
    registryId = saved.ok ? saved.value.id : '';
  });
  after(async () => {
    client?.close();
    await web?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const stillServing = async (): Promise<void> => {
    assert.equal((await httpCall(web.port, '/')).status, 200, 'the host stopped answering pages');
    const listed = await client.api.registriesList({});
    assert.ok(listed.ok, 'the host stopped answering the contract');
  };

  it('answers a malformed percent escape, a bad request target and an unparsable request, and stays up', async () => {
    for (const path of ['/%ZZ', '/%', '/assets/%E0%A4%A', '/%ZZ?token=x']) {
      for (const headers of [{}, { 'x-stevedore-token': web.token }] as Record<string, string>[]) {
        const answer = await httpCall(web.port, path, { headers });
        assert.ok(answer.status === 400 || answer.status === 401, `${path}: ${answer.status}`);
      }
    }
    assert.match(await rawExchange(web.port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`), /^HTTP\/1\.1 400/);
    assert.match(await rawExchange(web.port, `GET /%ZZ HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`), /^HTTP\/1\.1 400/);
    assert.match(await rawExchange(web.port, 'NOT HTTP AT ALL\r\n\0\0\0\r\n\r\n'), /^HTTP\/1\.1 400/);
    // An upgrade that resets halfway.
    await rawExchange(web.port, `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
    await stillServing();
  });

  it('refuses headers past the limit, a request without a Host, and a null or foreign Origin, and stays up', async () => {
    const host = `Host: 127.0.0.1:${web.port}\r\n`;
    // Past Node's 16 KiB of headers, in one header and in many: refused (the connection may be reset before the
    // answer is read, so an empty answer counts as refused too), and the host carries on.
    const refused = /^(?:$|HTTP\/1\.1 4\d\d )/;
    assert.match(await rawExchange(web.port, `GET / HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`), refused);
    assert.match(await rawExchange(web.port, `GET / HTTP/1.1\r\n${host}${Array.from({ length: 4000 }, (_, i) => `X-${i}: 1\r\n`).join('')}\r\n`), refused);
    assert.match(await rawExchange(web.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await rawExchange(web.port, 'GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 421 /);
    for (const origin of ['null', 'http://evil.example', `https://127.0.0.1:${web.port}`, `http://127.0.0.1:${web.port + 1}`]) {
      assert.match(await rawExchange(web.port, `GET / HTTP/1.1\r\n${host}Origin: ${origin}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 403 /, origin);
    }
    await stillServing();
  });

  it('closes a socket that sends a frame over the limit or invalid UTF-8, while a push runs on to its tag', async () => {
    const image = testImage([await layerTar('hostile-push', 4_000_000)]);
    const archive = join(work, 'push.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['hostile/app:1'] }]));
    const started = await client.api.pushStart({ path: archive, registryId, repository: 'hostile/app', tag: '1' });
    assert.ok(started.ok, JSON.stringify(started));
    const jobId = started.ok ? started.value.jobId : '';

    const oversized = await sendRaw(web, (ws) => ws.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1)));
    assert.equal(oversized, 1009);
    const notUtf8 = await sendRaw(web, (ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }));
    assert.equal(notUtf8, 1007);
    const junk = await sendRaw(web, (ws) => {
      for (const text of ['', 'null', '[]', '{"type":"request"}', '{"type":"request","id":1,"channel":"nope"}', '{"type":"request","id":2,"channel":"push:start","args":null}']) ws.send(text);
      ws.close();
    });
    assert.equal(junk, 1005);

    await stillServing();
    const done = await waitFor(() => finished.find((f) => f.jobId === jobId), 120_000, 'the push to end');
    assert.equal(done.state, 'pushed', JSON.stringify(done.error));
    assert.equal(await skopeoDigest(reg, 'hostile/app:1'), done.digest);
  });

  it('takes the largest schema-valid request (10,000 bookmarks of 255 characters), and refuses a bigger one on the client', async () => {
    const bookmarks = Array.from({ length: 10_000 }, (_, i) => bookmark(i));
    // Another name for the registry: 'local' holds reg.host, and there is one entry per registry.
    const otherName = reg.host.replace('127.0.0.1', 'localhost');
    const saved = await client.api.registriesSave({ profile: { name: 'many bookmarks', url: otherName, credentialSource: 'none', bookmarks } });
    assert.ok(saved.ok, JSON.stringify(saved).slice(0, 300));
    const listed = await client.api.registriesList({});
    assert.equal(listed.ok && listed.value.find((r) => r.name === 'many bookmarks')?.bookmarks.length, 10_000);

    const tooMany = Array.from({ length: 20_000 }, (_, i) => bookmark(i));
    const refused = await client.api.registriesSave({ profile: { name: 'too many', url: otherName, credentialSource: 'none', bookmarks: tooMany } });
    assert.equal(refused.ok ? 'saved' : refused.error.code, 'TOO_LARGE');
    await stillServing();
    if (saved.ok) await client.api.registriesRemove({ id: saved.value.id });
  });

  it('stops reading an archive when the socket that asked for it closes', async () => {
    const slow = join(work, 'slow.tar.gz');
    await writeSlowArchive(slow, 4);
    const outcomes: Result<unknown>[] = [];
    const handle = web.host.handle.bind(web.host);
    web.host.handle = async (channel, args, signal) => {
      const result = await handle(channel, args, signal);
      if (channel === 'archive:inspect') outcomes.push(result);
      return result;
    };
    try {
      const leaving = contractClient(web.port, web.token);
      const pending = leaving.api.archiveInspect({ path: slow });
      await waitFor(() => (web.host.pendingRequests > 0 ? true : undefined), 30_000, 'the inspection to start');
      leaving.close();
      const answer = await pending;
      assert.equal(answer.ok ? 'inspected' : answer.error.code, 'NETWORK');
      const outcome = await waitFor(() => outcomes[0], 120_000, 'the inspection to end');
      assert.equal(outcome.ok ? 'inspected' : outcome.error.code, 'CANCELLED', 'the archive was read to the end for nobody');
      assert.equal(web.host.pendingRequests, 0);
      assert.equal(liveArchiveReaders(), 0, 'a reader thread is left running');
    } finally {
      web.host.handle = handle;
    }
  });

  it('stops reading an archive when the host closes', async () => {
    const slow = join(work, 'slow.tar.gz');
    const other = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data2', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work });
    const pending = other.host.handle('archive:inspect', { path: slow });
    await waitFor(() => (other.host.pendingRequests > 0 ? true : undefined), 30_000, 'the inspection to start');
    // Let the reader get going (not a timing assertion: the outcome must be CANCELLED however far it got).
    await new Promise((r) => setTimeout(r, 300));
    await other.close();
    const outcome = await pending;
    assert.equal(outcome.ok ? 'inspected' : outcome.error.code, 'CANCELLED');
    assert.equal(liveArchiveReaders(), 0, 'a reader thread is left running');
  });
});
