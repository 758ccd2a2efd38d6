// Pushing through failures: connections cut mid-upload, the registry restarted mid-push, 429 and 500 answers,
// cancellation. The push completes and verifies, or fails cleanly leaving no tag.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { layerTar, legacyDockerArchive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { assertNoTag } from '../harness/assertions.js';
import { clientFor } from '../harness/clients.js';
import { startHttpFaultProxy, startTcpCutProxy } from '../harness/fault-proxy.js';
import { cancelAtTagPut, cliJob } from '../harness/late-cancel.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { verifyPushed } from '../harness/verify-push.js';

const MiB = 1024 * 1024;

describe('push through faults', () => {
  let reg: TestRegistry;
  let dir: string;
  let image: TestImage;
  let archive: string;
  let port: number;
  // For the cancels at the tag's PUT: what matters there is the manifest, not the layers.
  let smallImage: TestImage;
  let small: string;

  before(async () => {
    reg = await startRegistry('none');
    port = Number(reg.host.split(':')[1]);
    dir = await mkdtemp(join(tmpdir(), 'stevedore-faults-'));
    // Random bytes barely compress: the upload is as large as the layer.
    image = testImage([await layerTar('big', 24 * MiB), await layerTar('small', 20_000)]);
    archive = join(dir, 'image.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['faults/x:1'] }]));
    smallImage = testImage([await layerTar('late', 20_000)]);
    small = join(dir, 'small.tar');
    await writeTar(small, legacyDockerArchive([{ image: smallImage, tags: ['faults/small:1'] }]));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes after the connection is cut in the middle of a large upload', async () => {
    const proxy = await startTcpCutProxy(port);
    try {
      proxy.cutAfter(9 * MiB);
      const run = await pushWithEngine(reg, archive, 'faults/cut:1', { via: proxy.host, settings: { chunkSize: 4 * MiB } });
      assert.equal(proxy.cuts, 1, 'the connection was cut once');
      await verifyPushed(reg, 'faults/cut:1', run.digest, [image]);
    } finally {
      await proxy.close();
    }
  });

  it('survives the registry restarting mid-push', async () => {
    let restarted: Promise<void> | undefined;
    const run = await pushWithEngine(reg, archive, 'faults/restart:1', {
      settings: { chunkSize: 2 * MiB },
      onEvent: (event) => {
        if (!restarted && event.type === 'progress' && event.blobs.some((b) => b.bytesSent >= 4 * MiB)) restarted = reg.restart();
      },
    });
    assert.ok(restarted, 'the registry was restarted during the upload');
    await restarted;
    await verifyPushed(reg, 'faults/restart:1', run.digest, [image]);
  });

  it('waits out 429 with Retry-After and 500s on chunks, the final PUT and the manifest', async () => {
    const proxy = await startHttpFaultProxy(port, (req, seen) => {
      const path = req.url ?? '';
      if (req.method === 'PATCH' && seen <= 2) return { status: 429, headers: { 'retry-after': '1' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' };
      if (req.method === 'PUT' && path.includes('/blobs/uploads/') && seen === 1) return { status: 500 };
      if (req.method === 'PUT' && path.includes('/manifests/') && seen === 1) return { status: 503 };
      return undefined;
    });
    try {
      const run = await pushWithEngine(reg, archive, 'faults/flaky:1', { via: proxy.host, settings: { chunkSize: 4 * MiB } });
      assert.ok(proxy.injected.includes('PATCH 429'));
      assert.ok(proxy.injected.includes('PUT 500'));
      assert.ok(proxy.injected.includes('PUT 503'));
      await verifyPushed(reg, 'faults/flaky:1', run.digest, [image]);
    } finally {
      await proxy.close();
    }
  });

  it('fails cleanly with the registry message when the manifest is always refused', async () => {
    const proxy = await startHttpFaultProxy(port, (req) => (req.method === 'PUT' && (req.url ?? '').includes('/manifests/') ? { status: 400, body: '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}' } : undefined));
    try {
      await assert.rejects(pushWithEngine(reg, archive, 'faults/refused:1', { via: proxy.host }), (e: unknown) => isStevedoreError(e, 'REGISTRY_ERROR') && e.details.registryCode === 'MANIFEST_INVALID');
      await assertNoTag(reg, 'faults/refused', '1');
    } finally {
      await proxy.close();
    }
  });

  it('cancelling mid-push stops it and writes no tag', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    await assert.rejects(
      pushWithEngine(reg, archive, 'faults/cancelled:1', {
        signal: controller.signal,
        settings: { chunkSize: 2 * MiB },
        onEvent: (event) => {
          events.push(event.type);
          if (event.type === 'progress' && event.blobs.some((b) => b.bytesSent > 0)) controller.abort(new Error('user cancelled'));
        },
      }),
      (e: unknown) => isStevedoreError(e, 'CANCELLED') && /no tag was written/.test(e.message),
    );
    assert.equal(events.at(-1), 'failed');
    await assertNoTag(reg, 'faults/cancelled', '1');
  });

  it("a cancel once the registry has stored the tag, whose answer never comes, ends the push at once, naming the digest the tag holds", async () => {
    const error = await cancelAtTagPut(reg, 'faults/late', '1', 'after-storing', (via, signal) => pushWithEngine(reg, small, 'faults/late:1', { via, signal }));
    await verifyPushed(reg, 'faults/late:1', error.details.digest as string, [smallImage]);
  });

  it("a cancel while the registry holds the tag's PUT unstored ends the push at once, saying the tag's state is unknown, not that it was not written: the registry stores it afterwards", async () => {
    await cancelAtTagPut(reg, 'faults/held', '1', 'before-storing', (via, signal) => pushWithEngine(reg, small, 'faults/held:1', { via, signal }));
    // What the job could not rule out: the registry had the whole manifest, and stored it once it went on.
    const client = clientFor(reg);
    try {
      assert.match((await client.headManifest('faults/held', '1')).digest, /^sha256:[0-9a-f]{64}$/);
    } finally {
      await client.close();
    }
  });

  it("a cancel while the registry answers nothing about the tag ends the push at once, saying the tag's state is unknown", async () => {
    await cancelAtTagPut(reg, 'faults/silent', '1', 'silent', (via, signal) => pushWithEngine(reg, small, 'faults/silent:1', { via, signal }));
  });

  it("stevedore push, interrupted while the registry answers nothing about the tag, exits at once saying the tag's state is unknown", async () => {
    const home = join(dir, 'cli-home');
    await mkdir(home, { recursive: true });
    await writeFile(join(home, 'config.json'), '{}');
    const env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
    await cancelAtTagPut(reg, 'faults/cli-silent', '1', 'silent', cliJob((via) => ['push', small, `${via}/faults/cli-silent:1`], env));
  });
});
