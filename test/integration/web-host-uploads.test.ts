// Web host uploads: capped in size (413 with one clear line), deleted when the page lets go of them and no push reads
// them any more, cleaned at start when a crashed host left them, and removed when `stevedore serve` is stopped by
// SIGINT, SIGTERM or SIGHUP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ContractApi, PushJobView } from '../../shared/contract.js';
import { RENDERER_DIR, maxUploadBytes } from '../../electron/web/start.js';
import { liveArchiveReaders } from '../../electron/core/archive/inspect-archive.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { CLI } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoDigest } from '../harness/verify-push.js';
import { contractClient, httpCall, waitFor, writeSlowArchive } from '../harness/web-client.js';

type Address = Pick<WebHost, 'port' | 'token'>;

const upload = (web: Address, body: Buffer, name = 'image.tar') => httpCall(web.port, `/upload?name=${name}`, { method: 'POST', headers: { 'x-stevedore-token': web.token }, body });
const release = (web: WebHost, path: string) => httpCall(web.port, `/upload?path=${encodeURIComponent(path)}`, { method: 'DELETE', headers: { 'x-stevedore-token': web.token } });

/** A chunked upload (no Content-Length): resolves with the status, or 0 when the host cut the connection. */
function chunkedUpload(web: WebHost, size: number): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: web.port, path: '/upload?name=chunked.tar', method: 'POST', headers: { host: `127.0.0.1:${web.port}`, 'x-stevedore-token': web.token, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    const piece = Buffer.alloc(16 * 1024, 1);
    for (let sent = 0; sent < size; sent += piece.length) req.write(piece);
    req.end();
  });
}

/** The partial file of a refused upload goes right after the answer: give it a moment, not forever. */
async function emptied(dir: string): Promise<void> {
  for (let i = 0; i < 500 && (await readdir(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await readdir(dir), [], 'a refused upload left a file');
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid ?? 0;
}

describe('web host uploads', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let work: string;
  let client: { api: ContractApi; close(): void };
  let registryId = '';
  const finished: PushJobView[] = [];
  let archive: Buffer;

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-uploads-test-'));
    web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work });
    client = contractClient(web.port, web.token);
    client.api.on('push:finished', (view) => finished.push(view));
    const saved = await client.api.registriesSave({ profile: { name: 'local', url: reg.host, credentialSource: 'none' } });
    registryId = saved.ok ? saved.value.id : '';
    const path = join(work, 'source.tar');
    await writeTar(path, legacyDockerArchive([{ image: testImage([await layerTar('uploads-a', 3_000_000), await layerTar('uploads-b', 20_000)]), tags: ['uploads/app:1'] }]));
    archive = await readFile(path);
  });
  after(async () => {
    client?.close();
    await web?.close();
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  async function pushUpload(tag: string): Promise<{ path: string; jobId: string }> {
    const stored = await upload(web, archive);
    assert.equal(stored.status, 201, stored.body);
    const { path } = JSON.parse(stored.body) as { path: string };
    const started = await client.api.pushStart({ path, registryId, repository: 'uploads/app', tag });
    assert.ok(started.ok, JSON.stringify(started));
    return { path, jobId: started.ok ? started.value.jobId : '' };
  }

  it('deletes an upload the page dismisses, and only its own files', async () => {
    const stored = await upload(web, Buffer.from('not even a tar'));
    assert.equal(stored.status, 201);
    const { path } = JSON.parse(stored.body) as { path: string };
    assert.ok(path.startsWith(web.uploads.dir) && existsSync(path));
    assert.equal((await release(web, path)).status, 204);
    assert.equal(existsSync(path), false);
    assert.equal((await release(web, path)).status, 404);
    const outside = join(work, 'keep-me.tar');
    await writeFile(outside, 'mine');
    assert.equal((await release(web, outside)).status, 404);
    assert.equal((await release(web, join(web.uploads.dir, '..', 'keep-me.tar'))).status, 404);
    assert.equal(await readFile(outside, 'utf8'), 'mine');
  });

  it('keeps an upload the page lets go of while its push runs, and deletes it when the push ends', async () => {
    const { path, jobId } = await pushUpload('released');
    assert.equal((await release(web, path)).status, 204);
    const done = await waitFor(() => finished.find((f) => f.jobId === jobId), 120_000, 'the push to end');
    assert.equal(done.state, 'pushed', JSON.stringify(done.error));
    assert.equal(await skopeoDigest(reg, 'uploads/app:released'), done.digest);
    await waitFor(() => (existsSync(path) ? undefined : true), 10_000, 'the upload to be deleted');
    assert.deepEqual(await readdir(web.uploads.dir), []);
  });

  it('keeps an upload the page still holds after its push (another image may follow), until it lets go', async () => {
    const { path, jobId } = await pushUpload('held');
    const done = await waitFor(() => finished.find((f) => f.jobId === jobId), 120_000, 'the push to end');
    assert.equal(done.state, 'pushed', JSON.stringify(done.error));
    assert.ok(existsSync(path));
    assert.equal((await release(web, path)).status, 204);
    assert.equal(existsSync(path), false);
  });

  it('stops reading an upload the page dismisses while it is still being inspected', async () => {
    const slow = join(work, 'slow.tar.gz');
    await writeSlowArchive(slow, 4);
    const stored = await upload(web, await readFile(slow), 'slow.tar.gz');
    assert.equal(stored.status, 201);
    const { path } = JSON.parse(stored.body) as { path: string };
    const inspecting = client.api.archiveInspect({ path });
    await waitFor(() => (web.host.pendingRequests > 0 ? true : undefined), 30_000, 'the inspection to start');
    // Let the reader get going (not a timing assertion: the outcome must be CANCELLED however far it got).
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await release(web, path)).status, 204);
    const answer = await inspecting;
    assert.equal(answer.ok ? 'inspected' : answer.error.code, 'CANCELLED');
    assert.equal(liveArchiveReaders(), 0, 'a reader thread is left running');
    assert.equal(existsSync(path), false);
  });

  it('refuses an upload over the limit with 413 and one clear line, keeps nothing of it, and stays up', async () => {
    const small = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data2', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work, maxUploadBytes: 64 * 1024 });
    try {
      assert.deepEqual(JSON.parse((await httpCall(small.port, '/upload', { headers: { 'x-stevedore-token': small.token } })).body), { maxBytes: 64 * 1024 });
      const refused = await upload(small, Buffer.alloc(64 * 1024 + 1));
      assert.equal(refused.status, 413);
      const info = JSON.parse(refused.body) as { code: string; message: string };
      assert.equal(info.code, 'TOO_LARGE');
      assert.match(info.message, /larger than the upload limit of 65\.5 kB \(65536 bytes\), set when this Stevedore web host was started/);
      // Issue #10: the page is no terminal, so its errors never tell the user to pass a command-line option.
      assert.doesNotMatch(info.message, /--[a-z]/);
      assert.ok([0, 413].includes(await chunkedUpload(small, 1024 * 1024)));
      await emptied(small.uploads.dir);
      assert.equal((await upload(small, Buffer.alloc(64 * 1024))).status, 201);
      assert.equal((await httpCall(small.port, '/')).status, 200);
    } finally {
      await small.close();
    }
  });

  it('reads --max-upload and STEVEDORE_MAX_UPLOAD, with 20 GiB by default', () => {
    assert.equal(maxUploadBytes('512M', {}), 512 * 1024 ** 2);
    assert.equal(maxUploadBytes(undefined, { STEVEDORE_MAX_UPLOAD: '2G' }), 2 * 1024 ** 3);
    assert.equal(maxUploadBytes('1k', { STEVEDORE_MAX_UPLOAD: '2G' }), 1024);
    assert.equal(maxUploadBytes(undefined, {}), undefined);
    assert.equal(web.uploads.maxBytes, 20 * 1024 ** 3);
    assert.throws(() => maxUploadBytes('lots', {}), /not a size/);
    assert.throws(() => maxUploadBytes('0', {}), /at least one byte/);
  });

  it('removes upload directories of hosts that no longer run, and nothing else', async () => {
    const root = join(work, 'stale-root');
    await mkdir(root);
    const dead = await deadPid();
    const stale = join(root, `stevedore-uploads-${dead}-AbC123`);
    const live = join(root, `stevedore-uploads-${process.ppid}-XyZ789`);
    const foreign = join(root, 'stevedore-uploads-Qw3rTy');
    const elsewhere = join(work, 'elsewhere');
    for (const dir of [stale, live, foreign, elsewhere]) await mkdir(dir);
    await writeFile(join(stale, 'big.tar'), 'left by a crash');
    await writeFile(join(elsewhere, 'precious'), 'not ours');
    const link = join(root, `stevedore-uploads-${dead}-LnK000`);
    await symlink(elsewhere, link);
    const host = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'data3', 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: root });
    try {
      assert.equal(existsSync(stale), false, 'a dead host left its uploads');
      for (const kept of [live, foreign, link, join(elsewhere, 'precious')]) assert.ok(existsSync(kept), `${kept} was removed`);
      assert.match(host.uploads.dir, new RegExp(`stevedore-uploads-${process.pid}-`));
    } finally {
      await host.close();
    }
    assert.equal(existsSync(host.uploads.dir), false);
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`stevedore serve deletes its uploads on ${signal}`, async () => {
      const root = await mkdtemp(join(work, `serve-${signal}-`));
      const env = { ...process.env, TMPDIR: root, XDG_STATE_HOME: join(root, 'state'), STEVEDORE_DATA_DIR: join(root, 'data'), STEVEDORE_CACHE_DIR: join(root, 'cache'), STEVEDORE_MAX_UPLOAD: '1M' };
      const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = once(child, 'exit');
      try {
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        const address = await waitFor(() => /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/.exec(out) ?? undefined, 30_000, 'serve to print its address');
        const served = { port: Number(address[1]), token: address[2] ?? '' };
        const stored = await upload(served, Buffer.from('pretend tarball'));
        assert.equal(stored.status, 201);
        const { path } = JSON.parse(stored.body) as { path: string };
        assert.ok(path.startsWith(join(root, `stevedore-uploads-${child.pid}-`)) && existsSync(path));
        assert.equal((await upload(served, Buffer.alloc(1024 * 1024 + 1))).status, 413);
        child.kill(signal);
        await exited;
        assert.deepEqual((await readdir(root)).filter((name) => name.startsWith('stevedore-uploads-')), [], `uploads left after ${signal}`);
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
