// A push passes its blocks, gzip members and upload chunks through one BufferPool, and a buffer given back may be
// written over at once. Here every buffer is overwritten the moment it is given back, and the registry reads through a
// proxy that keeps stopping, so bytes still queued in the socket stay in Node a while. Bytes that went back too early
// reach the registry overwritten: the push fails its digest check, or, given back before the upload copied them,
// pushes a layer that no longer decompresses to the archive's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BufferPool } from '../../electron/core/push/buffer-pool.js';
import type { GzipEngine } from '../../electron/core/workers/gzip-types.js';
import { NativeGzip, loadNativeGzip } from '../../electron/core/workers/native-gzip.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { startTcpStallProxy } from '../harness/stall-proxy.js';
import { verifyPushed } from '../harness/verify-push.js';

const MiB = 1024 * 1024;

/** Overwrites every buffer given back, as the next block's compression or read would. */
class PoisoningPool extends BufferPool {
  given = 0;

  override give(view: Uint8Array): void {
    view.fill(0xaa);
    this.given++;
    super.give(view);
  }
}

const ENGINES: readonly { readonly name: string; readonly open: () => GzipEngine | undefined }[] = [
  {
    name: 'libdeflate',
    open: () => {
      const addon = loadNativeGzip();
      return addon ? new NativeGzip(addon, 2) : undefined;
    },
  },
  { name: 'zlib', open: () => new ZlibGzip(2) },
];

describe('push with every buffer overwritten as it is given back', () => {
  let reg: TestRegistry;
  let dir: string;

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-reuse-'));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  for (const engine of ENGINES) {
    it(`pushes intact through a registry that keeps stopping reading (${engine.name})`, async (t) => {
      const gzip = engine.open();
      if (!gzip) return t.skip('the libdeflate addon was not built here');
      // Random bytes are stored: members as large as their 1 MiB blocks, chunks of 4 MiB. Text compresses: small members.
      const image = testImage([await layerTar(`reuse-random-${engine.name}`, 6 * MiB), await layerTar(`reuse-text-${engine.name}`, 3 * MiB, 'text')]);
      const archive = join(dir, `${engine.name}.tar`);
      await writeTar(archive, legacyDockerArchive([{ image, tags: ['reuse/x:1'] }]));
      const proxy = await startTcpStallProxy(Number(reg.host.split(':')[1]), 256 * 1024, 20);
      const buffers = new PoisoningPool();
      try {
        const run = await pushWithEngine(reg, archive, `reuse/${engine.name}:1`, { via: proxy.host, gzip, buffers });
        assert.ok(buffers.given > 0, 'the push gave its buffers back to the pool it was handed');
        assert.ok(proxy.stalls > 0, 'the proxy stopped reading during the upload');
        await verifyPushed(reg, `reuse/${engine.name}:1`, run.digest, [image]);
      } finally {
        await proxy.close();
      }
    });
  }
});
