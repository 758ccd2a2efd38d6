// The local web host for real: HTTP and WebSocket guards (token, Host, Origin), and the whole contract against a
// real registry through the browser transport: browse, inspect, compare, push with progress, cancel, delete.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { buildApi, type ContractApi, type PushJobView } from '../../shared/contract.js';
import type { PushEvent } from '../../shared/push.js';
import { webSocketTransport, type SocketLike } from '../../shared/web-transport.js';
import { WS_PROTOCOL, socketProtocols } from '../../shared/wire.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { writeCredentialHelper } from '../harness/credential-helper.js';
import { freePort } from '../harness/ports.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, seedIndex } from '../harness/seed.js';
import { skopeoDigest } from '../harness/verify-push.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function wsOpens(url: string, headers: Record<string, string> = {}, protocols: string[] = []): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('open', () => {
      // The host picks the plain protocol: the token is never echoed.
      assert.equal(ws.protocol, protocols.length > 0 ? WS_PROTOCOL : '');
      ws.close();
      resolve(true);
    });
    ws.on('error', () => resolve(false));
    ws.on('unexpected-response', () => resolve(false));
  });
}

describe('local web host', () => {
  let token: TestRegistry;
  let basic: TestRegistry;
  let tls: TestRegistry;
  let web: WebHost;
  let work: string;
  let api: ContractApi;
  let closeTransport: () => void;
  const received: string[] = [];
  const events: PushEvent[] = [];
  const finished: PushJobView[] = [];
  const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, PATH: process.env.PATH };
  let baseSize = 0;

  before(async () => {
    [token, basic, tls] = await Promise.all([startRegistry('token'), startRegistry('basic'), startRegistry('tls')]);
    work = await mkdtemp(join(tmpdir(), 'stevedore-web-'));
    const base = randomLayer(50_000);
    baseSize = base.size;
    await seedImage(token, 'web/app', '1', { layers: [base, randomLayer(1000)] });
    await seedImage(token, 'web/app', '2', { layers: [base, randomLayer(9000)] });
    await seedIndex(token, 'web/multi', 'latest', [{ architecture: 'amd64' }, { architecture: 'arm64', variant: 'v8' }]);
    // Credentials the way Docker Desktop leaves them: a helper for one registry, a (wrong) inline auth for another.
    await writeCredentialHelper(work, 'webtest', { [token.host]: [ADMIN.username, ADMIN.password] });
    await writeFile(join(work, 'config.json'), JSON.stringify({ credHelpers: { [token.host]: 'webtest' }, auths: { [basic.host]: { auth: Buffer.from('alice:wrong-password').toString('base64') } } }));
    process.env.DOCKER_CONFIG = work;
    process.env.PATH = `${work}:${process.env.PATH ?? ''}`;
    // The list starts empty (no entries suggested from the docker config): the tests add the registries they use, one
    // entry per registry.
    await mkdir(join(work, 'data'), { recursive: true });
    await writeFile(join(work, 'data', 'registries.json'), JSON.stringify({ version: 1, profiles: [] }));
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache') });
    const transport = webSocketTransport({
      url: `ws://127.0.0.1:${web.port}/ws`,
      createSocket: (url) => {
        const ws = new WebSocket(url, { headers: { 'x-stevedore-token': web.token } });
        ws.on('message', (data) => received.push(String(data)));
        return ws as unknown as SocketLike;
      },
    });
    closeTransport = transport.close;
    api = buildApi(transport);
    api.on('push:progress', (event) => events.push(event));
    api.on('push:finished', (view) => finished.push(view));
  });
  after(async () => {
    closeTransport();
    await web.close();
    for (const reg of [token, basic, tls]) {
      await closeSeeders(reg);
      await reg.stop();
    }
    process.env.DOCKER_CONFIG = saved.DOCKER_CONFIG;
    process.env.PATH = saved.PATH;
    if (saved.DOCKER_CONFIG === undefined) delete process.env.DOCKER_CONFIG;
    await rm(work, { recursive: true, force: true });
  });

  describe('guards', () => {
    it('refuses a wrong token, and everything that gives access without the token', async () => {
      assert.equal((await get(web.port, '/?token=wrong')).status, 401);
      assert.equal((await get(web.port, '/upload')).status, 401);
      assert.equal((await get(web.port, '/upload?name=x.tar', {}, 'POST', Buffer.from('x'))).status, 401);
      assert.equal((await get(web.port, '/upload?name=x.tar', { 'x-stevedore-token': 'wrong' }, 'POST', Buffer.from('x'))).status, 401);
      assert.equal((await get(web.port, '/upload?path=/etc/passwd', {}, 'DELETE')).status, 401);
    });

    it('streams an export download only for a one-time ticket, which only the token buys', async () => {
      const query = '/export?registryId=nope&repository=web%2Fapp&reference=1';
      assert.equal((await get(web.port, query)).status, 401);
      assert.equal((await get(web.port, `${query}&token=${web.token}`)).status, 401, 'a token in the URL grants nothing');
      assert.equal((await get(web.port, query, {}, 'POST')).status, 401);
      const issued = await get(web.port, query, { 'x-stevedore-token': web.token }, 'POST');
      assert.equal(issued.status, 201);
      const { url } = JSON.parse(issued.body) as { url: string };
      assert.ok(!url.includes(web.token));
      const first = await get(web.port, url);
      assert.notEqual(first.status, 401, 'a fresh ticket was refused');
      assert.equal((await get(web.port, url)).status, 401, 'a ticket worked twice');
    });

    it('serves the static app (no secret, no data) with strict headers, and never sets a cookie', async () => {
      for (const path of ['/', `/?token=${web.token}`]) {
        const page = await get(web.port, path);
        assert.equal(page.status, 200);
        assert.match(page.body, /<title>Stevedore<\/title>/);
        assert.ok(!page.body.includes(web.token), 'the page carries the token');
        assert.equal(page.headers['set-cookie'], undefined);
        assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
        assert.equal(page.headers['x-frame-options'], 'DENY');
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
      }
      for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
        const answer = await get(web.port, path);
        assert.ok(!answer.body.includes('root:x:0:0'), `${path} leaked a file outside the app`);
      }
    });

    it('caches the assets named after their content for good, and asks for the page again each time (304 when the same)', async () => {
      const page = await get(web.port, '/');
      assert.equal(page.headers['cache-control'], 'no-cache');
      const etag = String(page.headers.etag ?? '');
      assert.match(etag, /^".+"$/);
      const again = await get(web.port, '/', { 'if-none-match': etag });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      assert.match(String(again.headers['content-security-policy']), /default-src 'self'/);
      const scripts = [...page.body.matchAll(/(?:src|href)="\.(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
      assert.ok(scripts.length >= 2, `the page names its assets: ${page.body}`);
      for (const path of scripts) {
        const asset = await get(web.port, path);
        assert.equal(asset.status, 200, path);
        assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable', path);
        assert.equal(asset.headers['x-content-type-options'], 'nosniff', path);
        assert.match(String(asset.headers['content-type']), /^(text\/javascript|text\/css)/, path);
      }
      // Anything else is asked again: a name not made from its content may change under it.
      assert.equal((await get(web.port, '/assets/not-there.js')).status, 404);
    });

    it('refuses a foreign Host (DNS rebinding) and a foreign Origin, even with the token', async () => {
      assert.equal((await get(web.port, `/?token=${web.token}`, { host: `evil.example:${web.port}` })).status, 421);
      assert.equal((await get(web.port, `/?token=${web.token}`, { origin: 'http://evil.example' })).status, 403);
    });

    it('opens the socket only with the token and our own origin', async () => {
      const url = `ws://127.0.0.1:${web.port}/ws`;
      const own = { origin: `http://127.0.0.1:${web.port}` };
      assert.equal(await wsOpens(url), false);
      assert.equal(await wsOpens(url, own), false);
      assert.equal(await wsOpens(`${url}?token=${web.token}`, own), false, 'a token in the URL grants nothing');
      assert.equal(await wsOpens(url, own, socketProtocols('wrong-token-of-some-length')), false);
      assert.equal(await wsOpens(url, { origin: 'http://evil.example' }, socketProtocols(web.token)), false);
      assert.equal(await wsOpens(url, own, socketProtocols(web.token)), true);
    });
  });

  describe('the contract against real registries', () => {
    let registryId = '';

    it('saves a registry using docker config credentials and tests it', async () => {
      const saved = await api.registriesSave({ profile: { name: 'local', url: token.host, credentialSource: 'docker-config' } });
      assert.ok(saved.ok, JSON.stringify(saved));
      registryId = saved.ok ? saved.value.id : '';
      assert.equal(saved.ok && saved.value.hasSecret, false);
      const tested = await api.registriesTest({ id: registryId });
      assert.deepEqual(tested.ok && [tested.value.ok, tested.value.auth, tested.value.usedCredentials], [true, 'bearer', true]);
      const listed = await api.registriesList({});
      assert.ok(listed.ok && listed.value.some((r) => r.id === registryId));
    });

    it('says precisely why a registry fails: bad password, TLS, down, not a registry', async () => {
      const notRegistry = createServer((_req, res) => res.writeHead(404).end('<h1>hello</h1>'));
      await new Promise<void>((resolve) => notRegistry.listen(0, '127.0.0.1', resolve));
      const webPort = (notRegistry.address() as { port: number }).port;
      const cases: [string, string][] = [
        [basic.host, 'AUTH_FAILED'],
        [tls.host, 'TLS'],
        [`127.0.0.1:${await freePort()}`, 'NETWORK'],
        [`127.0.0.1:${webPort}`, 'UNSUPPORTED'],
      ];
      for (const [url, code] of cases) {
        const saved = await api.registriesSave({ profile: { name: url, url, credentialSource: 'docker-config' } });
        const tested = saved.ok ? await api.registriesTest({ id: saved.value.id }) : undefined;
        assert.equal(tested?.ok && !tested.value.ok && tested.value.code, code, url);
        if (saved.ok) await api.registriesRemove({ id: saved.value.id });
      }
      notRegistry.close();
    });

    it('streams an export download for a ticket bought with the token', async () => {
      // An oci-archive: the seeder's configs name compressed digests as diff_ids, which a docker-archive refuses.
      const issued = await get(web.port, `/export?registryId=${registryId}&repository=web%2Fapp&reference=1&format=oci-archive`, { 'x-stevedore-token': web.token }, 'POST');
      assert.equal(issued.status, 201);
      const download = await get(web.port, (JSON.parse(issued.body) as { url: string }).url);
      assert.equal(download.status, 200, download.body.slice(0, 200));
      assert.equal(download.headers['content-type'], 'application/x-tar');
      assert.ok(download.body.includes('index.json'));
    });

    it('pages through the catalog with a cursor and lists tags', async () => {
      const names: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await api.catalogList({ registryId, pageSize: 1, ...(cursor ? { cursor } : {}) });
        assert.ok(page.ok, JSON.stringify(page));
        if (!page.ok) break;
        names.push(...page.value.items);
        cursor = page.value.next;
        if (!cursor) break;
      }
      assert.deepEqual(names, ['web/app', 'web/multi']);
      const bad = await api.catalogList({ registryId, cursor: 'https://evil.example/v2/_catalog' });
      assert.equal(bad.ok ? undefined : bad.error.code, 'INVALID_ARGUMENT');
      const tags = await api.tagsList({ registryId, repository: 'web/app' });
      assert.deepEqual(tags.ok && [...tags.value.items].sort(), ['1', '2']);
    });

    it('summarises images and compares two tags that share a layer', async () => {
      const multi = await api.imageSummary({ registryId, repository: 'web/multi', reference: 'latest' });
      assert.ok(multi.ok);
      assert.equal(multi.ok && multi.value.kind, 'index');
      assert.equal(multi.ok && multi.value.platforms.length, 2);
      assert.ok(multi.ok && JSON.parse(multi.value.rawManifest).manifests.length === 2);
      const compared = await api.compareImages({ images: [{ registryId, repository: 'web/app', reference: '1' }, { registryId, repository: 'web/app', reference: '2' }] });
      assert.ok(compared.ok, JSON.stringify(compared));
      if (!compared.ok) return;
      assert.deepEqual(compared.value.images.map((i) => i.sharedBytes), [baseSize, baseSize]);
      assert.equal(compared.value.layers.filter((l) => l.presentIn.every(Boolean)).length, 1);
      assert.ok((compared.value.pull[0]?.[1] ?? 0) > 0);
    });

    it('inspects an uploaded archive and pushes it with progress events, then deletes it', async () => {
      const image = testImage([await layerTar('web-a', 200_000), await layerTar('web-b', 30_000)]);
      const path = join(work, 'upload-me.tar');
      await writeTar(path, legacyDockerArchive([{ image, tags: ['web/pushed:1'] }]));
      const uploaded = await get(web.port, '/upload?name=upload-me.tar', { 'x-stevedore-token': web.token, 'content-type': 'application/x-tar' }, 'POST', await readFile(path));
      assert.equal(uploaded.status, 201);
      const serverPath = (JSON.parse(uploaded.body) as { path: string }).path;
      const inspected = await api.archiveInspect({ path: serverPath });
      assert.ok(inspected.ok && inspected.value.images[0]?.names[0] === 'web/pushed:1');
      const started = await api.pushStart({ path: serverPath, registryId, repository: 'web/pushed', tag: '1' });
      assert.ok(started.ok, JSON.stringify(started));
      const jobId = started.ok ? started.value.jobId : '';
      const done = await waitFor(() => finished.find((f) => f.jobId === jobId));
      assert.equal(done.state, 'pushed', JSON.stringify(done.error));
      assert.ok(events.some((e) => e.jobId === jobId && e.type === 'plan'));
      assert.ok(events.some((e) => e.jobId === jobId && e.type === 'progress'));
      assert.equal(await skopeoDigest(token, 'web/pushed:1'), done.digest);
      const jobs = await api.pushList({});
      assert.ok(jobs.ok && jobs.value.some((j) => j.jobId === jobId && j.state === 'pushed'));
      // Named as a copy is (after a reload the renderer shows the host's name): the registry by its name, not its host.
      assert.equal(jobs.ok ? jobs.value.find((j) => j.jobId === jobId)?.target : undefined, 'local · web/pushed:1');
      // ... and with the image it made, so a reloaded page can still open it.
      assert.deepEqual(jobs.ok ? jobs.value.find((j) => j.jobId === jobId)?.opens : undefined, { registryId, repository: 'web/pushed', reference: '1' });
      const deleted = await api.imageDelete({ registryId, repository: 'web/pushed', digest: done.digest ?? '' });
      assert.ok(deleted.ok, JSON.stringify(deleted));
      const gone = await api.imageSummary({ registryId, repository: 'web/pushed', reference: '1' });
      assert.equal(gone.ok ? undefined : gone.error.code, 'NOT_FOUND');
    });

    it('cancels a running push: no tag', async () => {
      const image = testImage([await layerTar('web-big', 40 * 1024 * 1024)]);
      const path = join(work, 'big.tar');
      await writeTar(path, legacyDockerArchive([{ image, tags: ['web/big:1'] }]));
      const started = await api.pushStart({ path, registryId, repository: 'web/big', tag: '1' });
      assert.ok(started.ok);
      const jobId = started.ok ? started.value.jobId : '';
      await waitFor(() => events.find((e) => e.jobId === jobId && e.type === 'plan'));
      const cancelled = await api.pushCancel({ jobId });
      assert.deepEqual(cancelled.ok && cancelled.value, { cancelled: true });
      const done = await waitFor(() => finished.find((f) => f.jobId === jobId));
      assert.equal(done.state, 'cancelled');
      const tag = await api.imageSummary({ registryId, repository: 'web/big', reference: '1' });
      assert.equal(tag.ok ? undefined : tag.error.code, 'NOT_FOUND');
    });

    it('never sends a secret to the renderer', () => {
      assert.ok(received.length > 20);
      for (const message of received) {
        assert.ok(!message.includes(ADMIN.password), 'password in a renderer-bound message');
        assert.ok(!message.includes('wrong-password'), 'password in a renderer-bound message');
        assert.ok(!/authorization|Bearer ey|Basic [A-Za-z0-9+/=]{8}/i.test(message), `credential material in: ${message.slice(0, 200)}`);
      }
    });
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
}
