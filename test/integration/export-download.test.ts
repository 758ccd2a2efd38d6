// The web host's streamed export download: GET /export answers a tar as it is read from the registry, which skopeo
// reads; unknown images are error answers, not broken downloads; a browser that goes away stops the export.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { run } from '../harness/exec.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage } from '../harness/seed.js';
import { skopeoCopy, umociImage } from '../harness/tools.js';

describe('export as a browser download', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let dir: string;
  let registryId: string;
  let digest: string;

  /** What the page does: trade the download's parameters for a one-time ticket (with the token), then navigate to it. */
  const ticketFor = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: web.port, path, method: 'POST', headers: { host: `127.0.0.1:${web.port}`, 'x-stevedore-token': web.token } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 201) reject(new Error(`ticket refused: ${res.statusCode}`));
          else resolve((JSON.parse(Buffer.concat(chunks).toString()) as { url: string }).url);
        });
      });
      req.on('error', reject);
      req.end();
    });

  const get = async (path: string, file?: string): Promise<{ status: number; type: string; body: string }> => {
    const ticketUrl = await ticketFor(path);
    return new Promise((resolve, reject) => {
      // A navigation: no token header, only the ticket.
      const req = request({ host: '127.0.0.1', port: web.port, path: ticketUrl, headers: { host: `127.0.0.1:${web.port}` } }, (res) => {
        const type = String(res.headers['content-type'] ?? '');
        if (file && res.statusCode === 200) {
          pipeline(res, createWriteStream(file)).then(() => resolve({ status: 200, type, body: '' }), reject);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });
  };

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-download-'));
    const layout = await umociImage(join(dir, 'src'), 'v1', { '/etc/greeting': 'hello\n' });
    await skopeoCopy(`oci:${layout}:v1`, reg, 'dl/app:1', ['--dest-tls-verify=false']);
    digest = (JSON.parse((await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/dl/app:1`])).stdout) as { Digest: string }).Digest;
    await seedImage(reg, 'dl/big', '1', { layers: [randomLayer(32 * 1024 * 1024)] });
    await mkdir(join(dir, 'static'));
    const profiles = new ProfileStore(join(dir, 'registries.json'));
    registryId = (await profiles.save({ name: 'local', url: `http://${reg.host}`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] })).id;
    web = await startWebHost({ staticDir: join(dir, 'static'), profiles, secrets: noSecretStore, cacheDir: join(dir, 'cache') });
  });
  after(async () => {
    await web.close();
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a docker-archive and an oci-archive that skopeo reads', async () => {
    for (const format of ['docker-archive', 'oci-archive'] as const) {
      const file = join(dir, `${format}.tar`);
      const answer = await get(`/export?registryId=${registryId}&repository=dl/app&reference=1&format=${format}`, file);
      assert.equal(answer.status, 200);
      assert.equal(answer.type, 'application/x-tar');
      const inspected = JSON.parse((await run('skopeo', ['inspect', `${format}:${file}`])).stdout) as { Digest: string; Layers: string[] };
      assert.equal(inspected.Layers.length, 1);
      if (format === 'oci-archive') assert.equal(inspected.Digest, digest);
      await run('skopeo', ['copy', '--quiet', `${format}:${file}`, `oci:${join(dir, `${format}-layout`)}:x`]);
    }
  });

  it('answers an unknown image or a bad argument with an error, not a download', async () => {
    const missing = await get(`/export?registryId=${registryId}&repository=dl/none&reference=1`);
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.body) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const bad = await get(`/export?registryId=${registryId}&repository=UPPER&reference=1`);
    assert.equal(bad.status, 400);
  });

  it('stops when the browser goes away, and keeps serving', async () => {
    const ticketUrl = await ticketFor(`/export?registryId=${registryId}&repository=dl/big&reference=1&format=oci-archive`);
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: web.port, path: ticketUrl, headers: { host: `127.0.0.1:${web.port}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    const again = await get(`/export?registryId=${registryId}&repository=dl/app&reference=1&format=oci-archive`, join(dir, 'after.tar'));
    assert.equal(again.status, 200);
  });
});
