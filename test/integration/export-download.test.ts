// The web host's streamed export download: GET /export answers a tar as it is read from the registry, which skopeo
// reads; unknown images are error answers, not broken downloads; a browser that goes away stops the export. A
// docker-archive download is the CLI's export byte for byte (uncompressed layers checked against the diff_ids), and a
// layer that fails its check breaks the download instead of ending it as if complete.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { PushJobView } from '../../shared/contract.js';
import { exportImages } from '../../electron/core/export/export-images.js';
import { parseReference } from '../../electron/core/reference.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { run } from '../harness/exec.js';
import { contractClient } from '../harness/web-client.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { clientFor } from '../harness/clients.js';
import { blobOf, closeSeeders, randomLayer, seedImage } from '../harness/seed.js';
import { skopeoCopy, umociImage } from '../harness/tools.js';

describe('export as a browser download', () => {
  let reg: TestRegistry;
  let web: WebHost;
  let dir: string;
  let registryId: string;
  let digest: string;

  /** What the page does: trade the download's parameters for a one-time ticket (with the token), then navigate to it. */
  const ticketFor = async (path: string): Promise<string> => (await ticketAndJob(path)).url;
  const ticketAndJob = (path: string): Promise<{ url: string; jobId: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: web.port, path, method: 'POST', headers: { host: `127.0.0.1:${web.port}`, 'x-stevedore-token': web.token } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 201) reject(new Error(`ticket refused: ${res.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString()) as { url: string; jobId: string });
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
    // The seeder's gzip layers name their compressed digest as diff_id: the second layer fails its check.
    await seedImage(reg, 'dl/bad', '1', { layers: [blobOf(randomBytes(2 * 1024 * 1024)), randomLayer(1024 * 1024)] });
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

  it('streams the same docker-archive as the CLI export, with uncompressed layers checked against the diff_ids', async () => {
    const downloaded = join(dir, 'download-docker.tar');
    const answer = await get(`/export?registryId=${registryId}&repository=dl/app&reference=1&format=docker-archive`, downloaded);
    assert.equal(answer.status, 200);
    const client = clientFor(reg);
    const exported = join(dir, 'cli-docker.tar');
    try {
      await exportImages({ jobId: 'cli', references: [parseReference(`${reg.host}/dl/app:1`)], file: exported, format: 'docker-archive', emit: () => undefined }, () => Promise.resolve(client));
    } finally {
      await client.close();
    }
    assert.ok((await readFile(downloaded)).equals(await readFile(exported)), 'the download is the CLI export byte for byte');
    const listing = (await run('tar', ['-tf', downloaded])).stdout.trim().split('\n');
    assert.ok(listing.some((name) => /^[a-f0-9]{64}\/layer\.tar$/.test(name)), `a docker save layer in ${listing.join(', ')}`);
    assert.ok(!listing.includes('oci-layout'), 'docker save\'s layout, not an OCI layout');
    const inspected = JSON.parse((await run('skopeo', ['inspect', `docker-archive:${downloaded}`])).stdout) as { Layers: string[] };
    assert.equal(inspected.Layers.length, 1);
  });

  it('breaks the download of an image whose layer does not match its diff_id', async () => {
    const { url: ticketUrl, jobId } = await ticketAndJob(`/export?registryId=${registryId}&repository=dl/bad&reference=1&format=docker-archive`);
    const outcome = await new Promise<{ status: number; complete: boolean; bytes: number }>((resolve) => {
      const req = request({ host: '127.0.0.1', port: web.port, path: ticketUrl, headers: { host: `127.0.0.1:${web.port}` } }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        const done = (): void => resolve({ status: res.statusCode ?? 0, complete: res.complete, bytes });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      });
      req.on('error', () => resolve({ status: 0, complete: false, bytes: 0 }));
      req.end();
    });
    assert.equal(outcome.status, 200, 'the download had started (the config was sent before the bad layer)');
    assert.equal(outcome.complete, false, `the response was cut off, not ended as complete (${outcome.bytes} bytes)`);
    // The page follows the download as a job, with the ticket's job id: it failed with the check's one line.
    const { api, close } = contractClient(web.port, web.token);
    try {
      // The connection is cut as the export fails; the job finishes as it unwinds (its spool files removed).
      let job: PushJobView | undefined;
      let jobs: Awaited<ReturnType<typeof api.pushList>> | undefined;
      for (let tries = 0; tries < 100 && (job === undefined || job.state === 'running'); tries++) {
        if (tries > 0) await delay(50);
        jobs = await api.pushList({});
        job = jobs.ok ? jobs.value.find((j) => j.jobId === jobId) : undefined;
      }
      assert.equal(job?.kind, 'export', JSON.stringify(jobs));
      assert.equal(job?.state, 'failed');
      assert.equal(job?.error?.code, 'DIGEST_MISMATCH');
      assert.match(job?.error?.message ?? '', /diff_id/);
    } finally {
      close();
    }
    const again = await get(`/export?registryId=${registryId}&repository=dl/app&reference=1&format=docker-archive`, join(dir, 'after-bad.tar'));
    assert.equal(again.status, 200);
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
