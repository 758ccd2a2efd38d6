// Pushing through failures: connections cut mid-upload, the registry restarted mid-push, 429 and 500 answers,
// cancellation. The push completes and verifies, or fails cleanly leaving no tag.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { layerTar, legacyDockerArchive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { assertNoTag } from '../harness/assertions.js';
import { startHttpFaultProxy, startLateCancelProxy, startTcpCutProxy } from '../harness/fault-proxy.js';
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

  before(async () => {
    reg = await startRegistry('none');
    port = Number(reg.host.split(':')[1]);
    dir = await mkdtemp(join(tmpdir(), 'stevedore-faults-'));
    // Random bytes barely compress: the upload is as large as the layer.
    image = testImage([await layerTar('big', 24 * MiB), await layerTar('small', 20_000)]);
    archive = join(dir, 'image.tar');
    await writeTar(archive, legacyDockerArchive([{ image, tags: ['faults/x:1'] }]));
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

  it('a cancel that comes once the tag is sent is too late: the push reports the tag the registry stored, never "no tag was written"', async () => {
    // Given the tag's PUT, the proxy cancels the push once the whole request is in hand, then hands it on to the
    // registry (which stores it, as it would have anyway: the request had left).
    const controller = new AbortController();
    const proxy = await startLateCancelProxy(port, 'PUT', '/v2/faults/late/manifests/1', () => controller.abort(new Error('user cancelled')));
    try {
      const outcome = await pushWithEngine(reg, archive, 'faults/late:1', { via: proxy.host, signal: controller.signal }).then(
        (run) => ({ digest: run.digest }),
        (error: unknown) => ({ error }),
      );
      assert.ok(proxy.forwarded, 'the tag was sent');
      await proxy.forwarded;
      if ('error' in outcome) {
        assert.ok(isStevedoreError(outcome.error, 'CANCELLED'), String(outcome.error));
        await assertNoTag(reg, 'faults/late', '1');
      } else {
        await verifyPushed(reg, 'faults/late:1', outcome.digest, [image]);
      }
    } finally {
      await proxy.close();
    }
  });
});
