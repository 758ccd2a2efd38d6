// A server that misbehaves on purpose: huge or lying answers, redirects to other hosts, junk lists, rate limits.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MediaType } from '../../shared/media-types.js';
import { staticCredentials } from '../../electron/core/auth/credentials.js';
import { isStevedoreError, toErrorInfo } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { runCli } from '../harness/cli.js';
import { FAST_RETRY } from '../harness/clients.js';
import { sha256 } from '../harness/seed.js';

const CREDENTIAL = { kind: 'basic', username: 'u', password: 'hostile-test-password' } as const;
const EXPECTED_AUTH = `Basic ${Buffer.from('u:hostile-test-password').toString('base64')}`;
const goodBlob = Buffer.from('the real blob bytes');
const MANY_TAGS = Array.from({ length: 150_000 }, (_, i) => `v${i}`);
const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: sha256(Buffer.from('{}')), size: 2 }, layers: [] }));

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

describe('hostile or broken servers', () => {
  let registry: Server;
  let storage: Server;
  let host: string;
  let storagePort: number;
  const storageSaw: IncomingHttpHeaders[] = [];
  const registrySaw: IncomingHttpHeaders[] = [];
  const hits = new Map<string, number>();

  before(async () => {
    storage = createServer((req, res) => {
      storageSaw.push(req.headers);
      res.writeHead(200, { 'content-length': goodBlob.length }).end(goodBlob);
    });
    storagePort = await listen(storage, '127.0.0.2');
    registry = createServer((req, res) => {
      const path = req.url ?? '';
      if (req.headers.authorization !== EXPECTED_AUTH) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="hostile"' }).end();
        return;
      }
      hits.set(path, (hits.get(path) ?? 0) + 1);
      registrySaw.push(req.headers);
      if (path.startsWith('/v2/slowsink/')) {
        // Reads the upload slowly but steadily: a piece of up to 64 KiB every 10 ms.
        req.on('data', () => {
          req.pause();
          setTimeout(() => req.resume(), 10);
        });
        req.on('end', () => res.writeHead(202, { location: path }).end());
        return;
      }
      route(path, res, hits.get(path) ?? 0);
    });
    host = `127.0.0.1:${await listen(registry, '127.0.0.1')}`;
  });
  after(async () => {
    // The sink never reads its upload, so it never notices the client left: close its socket too.
    registry.closeAllConnections();
    await new Promise((r) => registry.close(r));
    await new Promise((r) => storage.close(r));
  });

  function route(path: string, res: ServerResponse, hit: number): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (path === '/v2/') return json(200, {});
    // A registry (or a proxy's debug page) that echoes the request's credentials in its error text.
    if (path.startsWith('/v2/echo/tags/list')) return json(403, { errors: [{ code: 'DENIED', message: `denied: you sent Authorization: ${EXPECTED_AUTH}` }] });
    if (path === '/v2/huge/manifests/latest') {
      res.writeHead(200, { 'content-type': MediaType.ociManifest, 'content-length': 50 * 1024 * 1024 });
      res.end();
      return;
    }
    if (path === '/v2/huge-chunked/manifests/latest') {
      res.writeHead(200, { 'content-type': MediaType.ociManifest });
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    if (path === '/v2/liar/manifests/latest') {
      res.writeHead(200, { 'content-type': MediaType.ociManifest, 'docker-content-digest': sha256(Buffer.from('something else')) }).end(manifest);
      return;
    }
    if (path.startsWith('/v2/liar/manifests/sha256:')) {
      res.writeHead(200, { 'content-type': MediaType.ociManifest }).end(manifest);
      return;
    }
    if (path.startsWith('/v2/liar/blobs/')) {
      res.writeHead(200, { 'content-length': 5 }).end('wrong');
      return;
    }
    if (path.startsWith('/v2/redirect/blobs/')) {
      res.writeHead(307, { location: `http://127.0.0.2:${storagePort}/bucket/blob?X-Amz-Signature=abc` }).end();
      return;
    }
    if (path.startsWith('/v2/many/tags/list')) return json(200, { name: 'many', tags: MANY_TAGS });
    if (path.startsWith('/v2/loop/tags/list')) {
      // Two pages whose Links point at each other, after a first page that leads into them.
      const page = new URL(path, 'http://x').searchParams.get('page');
      const next = page === 'a' ? 'b' : 'a';
      return json(200, { name: 'loop', tags: [`t-${page ?? 'first'}`] }, { link: `</v2/loop/tags/list?page=${next}>; rel="next"` });
    }
    if (path.startsWith('/v2/trickle/manifests/')) {
      // One byte now and then: the body never stalls for long, and never ends.
      res.writeHead(200, { 'content-type': MediaType.ociManifest, 'content-length': 1000 });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path.startsWith('/v2/stall/blobs/')) {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('x');
      return;
    }
    if (path.startsWith('/v2/silent/tags/list')) return;
    // Neither reads the upload nor answers: the client's socket buffers fill and sending stops.
    if (path.startsWith('/v2/sink/')) return;
    if (path.startsWith('/v2/junk/tags/list')) return json(200, { name: 'junk', tags: [null, 'ok', 5, 'sha256:abc', '', 'v1', { a: 1 }] });
    if (path.startsWith('/v2/_catalog')) {
      return json(200, { repositories: ['first'] }, { link: '<http://127.0.0.2:1/v2/_catalog?last=first>; rel="next"' });
    }
    if (path.startsWith('/v2/flaky/tags/list')) {
      if (hit === 1) return json(429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': '0' });
      return json(200, { tags: ['after-retry'] });
    }
    if (path.startsWith('/v2/reset/tags/list')) {
      if (hit === 1) {
        res.socket?.destroy();
        return;
      }
      return json(200, { tags: ['survived'] });
    }
    if (path.startsWith('/v2/refs/referrers/')) {
      return json(200, {
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { mediaType: MediaType.ociManifest, digest: sha256(Buffer.from('sig')), size: 10, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
          { mediaType: MediaType.ociManifest, digest: sha256(Buffer.from('sbom')), size: 11, artifactType: 'application/spdx+json' },
        ],
      }, { 'content-type': MediaType.ociIndex });
    }
    if (path.startsWith('/v2/broken/tags/list')) return json(500, { errors: [{ code: 'UNKNOWN', message: 'internal meltdown' }] });
    if (path.startsWith('/v2/limited/tags/list')) return json(429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'pull rate limit' }] }, { 'retry-after': '3600', 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' });
    if (path.startsWith('/v2/proxy413/')) {
      res.writeHead(413, { 'content-type': 'text/html' }).end('<html><body>413 Request Entity Too Large</body></html>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not here</h1>');
  }

  const client = (): RegistryClient => new RegistryClient({ registry: host, credentials: staticCredentials({ [host]: CREDENTIAL }), retry: FAST_RETRY });

  it('never carries the credentials a registry echoes back: not in the message, the registry message or the CLI line', async () => {
    const c = client();
    const failure = await c.listTags('echo').then(
      () => assert.fail('listed'),
      (e: unknown) => e,
    );
    await c.close();
    assert.ok(isStevedoreError(failure, 'DENIED'), String(failure));
    const everything = `${failure.message} ${JSON.stringify(failure.toInfo())} ${JSON.stringify(toErrorInfo(failure))}`;
    assert.ok(!everything.includes(EXPECTED_AUTH.slice('Basic '.length)), everything);
    assert.match(failure.message, /you sent Authorization: Basic \*\*\*/);
    const result = await runCli(['tags', `${host}/echo`, '--creds', `${CREDENTIAL.username}:${CREDENTIAL.password}`, '--json'], { ...process.env, STEVEDORE_CACHE_DIR: '/nonexistent-stevedore-cache' });
    assert.equal(result.code, 1);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(EXPECTED_AUTH.slice('Basic '.length)), result.stderr);
    assert.match(result.stderr, /Basic \*\*\*/);
  });

  it('refuses a manifest over the size cap, declared or streamed', async () => {
    const c = client();
    await assert.rejects(c.getManifest('huge', 'latest'), (e: unknown) => isStevedoreError(e, 'TOO_LARGE'));
    await assert.rejects(c.getManifest('huge-chunked', 'latest'), (e: unknown) => isStevedoreError(e, 'TOO_LARGE'));
    await c.close();
  });

  it('refuses bytes that do not match the digest, for manifests and blobs', async () => {
    const c = client();
    await assert.rejects(c.getManifest('liar', 'latest'), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
    await assert.rejects(c.getManifest('liar', sha256(Buffer.from('not this manifest'))), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
    const { stream } = await c.openBlob('liar', sha256(Buffer.from('right')));
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'),
    );
    await c.close();
  });

  it('follows a blob redirect to another host without sending it the credentials', async () => {
    const c = client();
    const { stream } = await c.openBlob('redirect', sha256(goodBlob));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), goodBlob);
    assert.equal(storageSaw.length, 1);
    assert.equal(storageSaw[0]?.authorization, undefined);
    assert.equal(registrySaw.at(-1)?.authorization, EXPECTED_AUTH);
    await c.close();
  });

  it('lists 150,000 tags sent in one page', async () => {
    const c = client();
    const tags = await c.listTags('many');
    assert.equal(tags.length, MANY_TAGS.length);
    assert.equal(tags.at(-1), 'v149999');
    await c.close();
  });

  it('ends a listing whose Link headers loop, for the generator and for the cursor the UI follows', async () => {
    const c = client();
    await assert.rejects(c.listTags('loop'), (e: unknown) => isStevedoreError(e, 'INVALID_RESPONSE') && /Link headers loop/.test(e.message));
    const pages = hits.get('/v2/loop/tags/list?page=a') ?? 0;
    assert.ok(pages <= 3, `stopped after a few pages (${pages} visits to page a)`);
    let cursor: string | undefined;
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        const page = await c.tagsPage('loop', cursor === undefined ? {} : { cursor });
        if (page.next === undefined) return;
        cursor = page.next;
      }
    };
    await assert.rejects(loop(), (e: unknown) => isStevedoreError(e, 'INVALID_RESPONSE') && /Link headers loop/.test(e.message));
    await c.close();
  });

  it('times out a body that trickles, a body that stalls, and headers that never come, naming the URL', async () => {
    // Deadlines of seconds, not less: the headers of the stalling blob must still arrive in time from a server in this
    // test's own event loop on a loaded machine (undici's headers timer ticks every 499 ms).
    const c = new RegistryClient({ registry: host, credentials: staticCredentials({ [host]: CREDENTIAL }), retry: FAST_RETRY, headersTimeoutMs: 2_000, idleTimeoutMs: 1_000 });
    await assert.rejects(c.getManifest('trickle', 'latest'), (e: unknown) => isStevedoreError(e, 'TIMEOUT') && e.message.includes(`http://${host}/v2/trickle/manifests/latest`));
    const { stream } = await c.openBlob('stall', sha256(Buffer.from('never')));
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      (e: unknown) => isStevedoreError(e, 'TIMEOUT') && /stall/.test(e.message) && e.message.includes('/v2/stall/blobs/'),
    );
    await assert.rejects(c.listTags('silent'), (e: unknown) => isStevedoreError(e, 'TIMEOUT') && e.message.includes('/v2/silent/tags/list'));
    await c.close();
  });

  it('times out an upload the server stops reading, and lets a slow steady one run past the headers deadline', async () => {
    const stalls = new RegistryClient({ registry: host, credentials: staticCredentials({ [host]: CREDENTIAL }), retry: FAST_RETRY, headersTimeoutMs: 10_000, idleTimeoutMs: 400 });
    const chunk = Buffer.alloc(64 * 1024 * 1024, 1);
    const sending = stalls.send({ method: 'PATCH', path: '/v2/sink/blobs/uploads/session', scopes: [], headers: { 'content-range': `0-${chunk.length - 1}` }, body: chunk, retry: false });
    await assert.rejects(sending, (e: unknown) => isStevedoreError(e, 'TIMEOUT') && /sending to .*\/v2\/sink\/blobs\/uploads\/session stalled/.test(e.message));
    await stalls.close();
    // A headers deadline shorter than the upload: the deadline counts from the last piece sent, not from the start.
    // (undici restarts its headers timer only at a write the socket pushes back on, and checks it every 499 ms; with
    // the sink in this test's own event loop on a loaded machine, a 500 ms and then a 2 s deadline ran out mid-upload
    // in shake runs. A 3 s deadline, and an upload of over 5 s, 512 pieces 10 ms apart: a deadline counted from the
    // start would still cut it.)
    const steady = new RegistryClient({ registry: host, credentials: staticCredentials({ [host]: CREDENTIAL }), retry: FAST_RETRY, headersTimeoutMs: 3_000, idleTimeoutMs: 5_000 });
    const slow = Buffer.alloc(32 * 1024 * 1024, 2);
    const started = Date.now();
    const answer = await steady.send({ method: 'PATCH', path: '/v2/slowsink/blobs/uploads/session', scopes: [], headers: { 'content-range': `0-${slow.length - 1}` }, body: slow, retry: false });
    await answer.body.dump();
    assert.equal(answer.status, 202);
    // Not a timing assertion on our code: it shows the test did exercise an upload longer than the deadline.
    assert.ok(Date.now() - started > 5_000, 'the steady upload took well over the 3 s headers deadline');
    await steady.close();
  });

  it('skips junk tags instead of failing the list', async () => {
    const c = client();
    assert.deepEqual(await c.listTags('junk'), ['ok', 'v1']);
    await c.close();
  });

  it('does not follow a pagination link to another origin', async () => {
    const c = client();
    assert.deepEqual(await c.listRepositories(), ['first']);
    await c.close();
  });

  it('retries a 429 with Retry-After and a 500 until it gives up, keeping the registry message', async () => {
    const c = client();
    assert.deepEqual(await c.listTags('flaky'), ['after-retry']);
    assert.equal(hits.get('/v2/flaky/tags/list?n=1000'), 2);
    await assert.rejects(c.listTags('broken'), (e: unknown) => isStevedoreError(e, 'REGISTRY_ERROR') && e.details.status === 500 && /internal meltdown/.test(e.message));
    assert.equal(hits.get('/v2/broken/tags/list?n=1000'), FAST_RETRY.attempts);
    await c.close();
  });

  it('retries a request whose connection was reset', async () => {
    const c = client();
    assert.deepEqual(await c.listTags('reset'), ['survived']);
    assert.equal(hits.get('/v2/reset/tags/list?n=1000'), 2);
    await c.close();
  });

  it('reads the referrers API and filters by artifact type when the server did not', async () => {
    const c = client();
    const subject = sha256(Buffer.from('subject'));
    assert.equal((await c.referrers('refs', subject)).length, 2);
    const sboms = await c.referrers('refs', subject, { artifactType: 'application/spdx+json' });
    assert.deepEqual(sboms.map((d) => d.digest), [sha256(Buffer.from('sbom'))]);
    await c.close();
  });

  it('does not wait an hour for a rate limit: RATE_LIMITED at once, with the limit recorded', async () => {
    const c = client();
    await assert.rejects(c.listTags('limited'), (e: unknown) => isStevedoreError(e, 'RATE_LIMITED') && /pull rate limit/.test(e.message));
    assert.equal(hits.get('/v2/limited/tags/list?n=1000'), 1);
    assert.deepEqual(c.rateLimit, { limit: 100, remaining: 0 });
    await c.close();
  });

  it('names HTML error pages by status rather than dumping them', async () => {
    const c = client();
    await assert.rejects(c.getManifest('proxy413', 'x'), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && !e.message.includes('<html>'));
    await c.close();
  });

  it('says when a server is not a registry at all', async () => {
    const web = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Welcome</h1>'));
    const port = await listen(web, '127.0.0.1');
    const c = new RegistryClient({ registry: `127.0.0.1:${port}`, retry: FAST_RETRY });
    await assert.rejects(c.ping(), (e: unknown) => isStevedoreError(e, 'UNSUPPORTED') && /Registry v2 API/.test(e.message));
    await c.close();
    await new Promise((r) => web.close(r));
  });

  it('says a server answering 200 with HTML (or anything but JSON) on /v2/ is not a registry', async () => {
    for (const [type, body] of [
      ['text/html; charset=utf-8', '<!doctype html><h1>Welcome to nginx</h1>'],
      ['text/plain', 'OK'],
    ]) {
      const web = createServer((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
      const port = await listen(web, '127.0.0.1');
      const c = new RegistryClient({ registry: `127.0.0.1:${port}`, retry: FAST_RETRY });
      await assert.rejects(c.ping(), (e: unknown) => isStevedoreError(e, 'UNSUPPORTED') && /is not a registry/.test(e.message), type);
      await c.close();
      await new Promise((r) => web.close(r));
    }
  });
});
