// A copy whose source registry drops every connection: once the reads stop resuming, what leaves the engine is one
// line with a stable code naming the blob and the registry, whichever way the upload takes the bytes (streamed
// whole, or in chunks), never undici's own error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { copyWithEngine } from '../harness/copy.js';
import { startTcpCutProxy, type TcpCutProxy } from '../harness/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, type SeededImage } from '../harness/seed.js';

const MiB = 1024 * 1024;

describe('copy from a source that drops every connection', () => {
  let reg: TestRegistry;
  let image: SeededImage;
  let proxy: TcpCutProxy;

  before(async () => {
    reg = await startRegistry('none');
    // Far more bytes than the resumes can get through at 128 KiB per connection.
    image = await seedImage(reg, 'src/app', '1', { layers: [randomLayer(4 * MiB)] });
    proxy = await startTcpCutProxy(Number(reg.host.split(':')[1]), 'download');
  });
  after(async () => {
    await proxy.close();
    await closeSeeders(reg);
    await reg.stop();
  });

  for (const [how, settings] of [
    ['streamed whole', {}],
    ['sent in chunks', { chunkSize: MiB }],
  ] as const) {
    it(`fails with NETWORK naming the blob and the source registry (${how})`, async () => {
      const before = proxy.cuts;
      proxy.cutAfter(128 * 1024, true);
      try {
        await assert.rejects(copyWithEngine({ reg, via: proxy.host }, 'src/app:1', { reg }, `dst/app:${how.replace(/ /g, '-')}`, { settings }), (error: unknown) => {
          assert.ok(isStevedoreError(error, 'NETWORK'), `a StevedoreError NETWORK, got ${String(error)} (${(error as { code?: string }).code})`);
          const layer = (image.layers[0] as { digest: string }).digest;
          assert.ok(error.message.includes(`blob ${proxy.host}/src/app@${layer}`), error.message);
          assert.match(error.message, /gave up after \d+ attempts/);
          assert.ok(!error.message.includes('\n'), 'one line');
          return true;
        });
        assert.ok(proxy.cuts - before >= 2, `the source was cut again and again (${proxy.cuts - before})`);
      } finally {
        proxy.cutAfter(Number.POSITIVE_INFINITY);
      }
    });
  }
});
