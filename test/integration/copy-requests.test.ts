// What a copy sends, counted at a proxy in front of each registry: a blob's bytes in one request (skopeo's way, not a
// request per chunk), only the rest of it after a cut connection, and nothing but HEADs for a copy already done.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../harness/cli.js';
import { copyWithEngine, startCountingProxy } from '../harness/copy.js';
import { startHttpFaultProxy, startTcpCutProxy } from '../harness/fault-proxy.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { assertNoTag } from '../harness/assertions.js';
import { clientFor } from '../harness/clients.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, type SeededImage } from '../harness/seed.js';
import { verifyCopied } from '../harness/verify-copy.js';

const MiB = 1024 * 1024;
const method = (request: string): string => request.slice(0, request.indexOf(' '));

describe('requests of a copy', () => {
  let plain: TestRegistry;
  let basic: TestRegistry;
  let image: SeededImage;

  before(async () => {
    [plain, basic] = await Promise.all([startRegistry('none'), startRegistry('basic')]);
    // A layer of several default chunks (4 MiB) and a small one.
    image = await seedImage(plain, 'big/app', '1', { layers: [randomLayer(10 * MiB), randomLayer(4096)] });
  });
  after(async () => {
    for (const reg of [plain, basic]) {
      await closeSeeders(reg);
      await reg.stop();
    }
  });

  it('streams each large blob in one PATCH; small blobs go in one PUT', async () => {
    const proxy = await startCountingProxy(basic);
    try {
      const run = await copyWithEngine({ reg: plain }, 'big/app:1', { reg: basic, via: proxy.host }, 'prod/one:1');
      assert.equal(run.blobs.uploaded, 3);
      const uploads = proxy.uploads().map(method);
      assert.equal(uploads.filter((m) => m === 'POST').length, 3, 'one session per blob');
      assert.equal(uploads.filter((m) => m === 'PATCH').length, 1, 'the 10 MiB layer in one request');
      assert.equal(uploads.filter((m) => m === 'PUT').length, 3, 'config and small layer monolithic, the large one finished');
      await verifyCopied(basic, 'prod/one:1', image.manifest);
    } finally {
      await proxy.close();
    }
  });

  it('after a cut in the middle of a streamed blob, asks where the upload stands and sends the rest in one PATCH', async () => {
    const cut = await startTcpCutProxy(Number(basic.host.split(':')[1]), 'upload');
    const proxy = await startCountingProxy({ ...basic, host: cut.host });
    try {
      cut.cutAfter(5 * MiB);
      const run = await copyWithEngine({ reg: plain }, 'big/app:1', { reg: basic, via: proxy.host }, 'prod/cut:1');
      assert.equal(cut.cuts, 1, 'the upload was cut once');
      assert.equal(run.digest, image.digest);
      const session = proxy.uploads().filter((r) => !r.startsWith('POST'));
      const patches = session.filter((r) => r.startsWith('PATCH'));
      assert.equal(patches.length, 2, `the cut PATCH and one for the rest: ${session.join(', ')}`);
      assert.ok(session.some((r) => r.startsWith('GET')), 'the upload status was asked for');
      await verifyCopied(basic, 'prod/cut:1', image.manifest);
    } finally {
      await proxy.close();
      await cut.close();
    }
  });

  it('after a cut in the middle of a streamed blob\'s download, resumes the GET and still sends the blob in one PATCH', async () => {
    const cut = await startTcpCutProxy(Number(plain.host.split(':')[1]), 'download');
    const proxy = await startCountingProxy(basic);
    try {
      cut.cutAfter(5 * MiB);
      const run = await copyWithEngine({ reg: plain, via: cut.host }, 'big/app:1', { reg: basic, via: proxy.host }, 'prod/src-cut:1');
      assert.equal(cut.cuts, 1, 'the download was cut once');
      assert.equal(run.digest, image.digest);
      const patches = proxy.uploads().filter((r) => r.startsWith('PATCH'));
      assert.equal(patches.length, 1, 'the upload went on through the resumed download');
      await verifyCopied(basic, 'prod/src-cut:1', image.manifest);
    } finally {
      await proxy.close();
      await cut.close();
    }
  });

  it('a registry that refuses a whole blob in one request (413) gets it in chunks', async () => {
    const requests: string[] = [];
    const proxy = await startHttpFaultProxy(Number(basic.host.split(':')[1]), (req) => {
      requests.push(`${req.method ?? ''} ${req.headers['content-length'] ?? ''}`);
      const length = Number(req.headers['content-length'] ?? 0);
      return req.method === 'PATCH' && length > 4 * MiB ? { status: 413, body: '{"errors":[{"code":"SIZE_INVALID","message":"request too large"}]}' } : undefined;
    });
    try {
      const run = await copyWithEngine({ reg: plain }, 'big/app:1', { reg: basic, via: proxy.host }, 'prod/chunks:1');
      assert.equal(run.digest, image.digest);
      assert.deepEqual(proxy.injected, ['PATCH 413'], 'refused once, then never asked again');
      const patches = requests.filter((r) => r.startsWith('PATCH')).map((r) => Number(r.split(' ')[1]));
      const size = image.layers[0]?.size ?? 0;
      assert.deepEqual(patches, [size, 4 * MiB, 4 * MiB, size - 8 * MiB], 'the whole layer refused, then 4 MiB chunks');
      await verifyCopied(basic, 'prod/chunks:1', image.manifest);
    } finally {
      await proxy.close();
    }
  });

  it('hashed once, still checked: a source blob of the right size and the wrong content is never committed', async () => {
    const [layer] = image.layers;
    assert.ok(layer);
    const source = await startHttpFaultProxy(Number(plain.host.split(':')[1]), (req) =>
      req.method === 'GET' && req.url?.endsWith(`/blobs/${layer.digest}`) ? { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(layer.size) }, body: 'x'.repeat(layer.size) } : undefined,
    );
    const target = clientFor(basic);
    try {
      await assert.rejects(
        copyWithEngine({ reg: plain, via: source.host }, 'big/app:1', { reg: basic }, 'prod/bad:1'),
        (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH') && (e as Error).message.includes(layer.digest),
      );
      assert.equal(await target.headBlob('prod/bad', layer.digest), undefined, 'the blob was not committed');
      await assertNoTag(basic, 'prod/bad', '1');
    } finally {
      await target.close();
      await source.close();
    }
  });

  it('a streamed copy cancelled in the middle of a blob stops and leaves no tag', async () => {
    const controller = new AbortController();
    await assert.rejects(
      copyWithEngine({ reg: plain }, 'big/app:1', { reg: basic }, 'prod/cancel:1', {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'progress' && e.blobs.some((b) => b.bytesSent > 0)) controller.abort();
        },
      }),
      (e: unknown) => isStevedoreError(e, 'CANCELLED'),
    );
    await assertNoTag(basic, 'prod/cancel', '1');
  });

  it('the same copy again sends only HEAD requests, to either registry', async () => {
    const from = await startCountingProxy(plain);
    const to = await startCountingProxy(basic);
    const home = await mkdtemp(join(tmpdir(), 'stevedore-copy-again-'));
    try {
      await writeFile(join(home, 'config.json'), '{}');
      const env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
      const args = ['copy', `${from.host}/big/app:1`, `${to.host}/prod/again:1`, '--dest-creds', `${ADMIN.username}:${ADMIN.password}`];
      const first = await runCli(args, env);
      assert.equal(first.code, 0, first.stderr);
      const seen = { from: from.requests.length, to: to.requests.length };
      const again = await runCli(args, env);
      assert.equal(again.code, 0, again.stderr);
      const sourceRequests = from.requests.slice(seen.from);
      const targetRequests = to.requests.slice(seen.to);
      assert.ok(sourceRequests.length > 0 && targetRequests.length > 0);
      assert.deepEqual(sourceRequests.filter((r) => method(r) !== 'HEAD'), [], 'the source is asked by HEAD, its manifest read from the cache');
      assert.deepEqual(targetRequests.filter((r) => method(r) !== 'HEAD'), [], 'the destination is only asked what it holds');
    } finally {
      await from.close();
      await to.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
