// Copying images between real registries with different auth and TLS: manifests byte for byte (checked with
// skopeo), every platform or one, referrers, mounts within one registry, nothing sent twice, cut connections on
// either side, and a cancel that leaves no tag.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PushEvent } from '../../shared/push.js';
import { MediaType } from '../../shared/media-types.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { assertNoTag } from '../harness/assertions.js';
import { clientFor } from '../harness/clients.js';
import { copyWithEngine, startCountingProxy } from '../harness/copy.js';
import { startTcpCutProxy } from '../harness/fault-proxy.js';
import { cancelAtTagPut, cliJob } from '../harness/late-cancel.js';
import { startTagPutProxy } from '../harness/tag-put-proxy.js';
import { runCli } from '../harness/cli.js';
import { ADMIN, startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, pushBlob, pushManifest, randomLayer, seedImage, seedIndex, sha256, type SeededImage } from '../harness/seed.js';
import { skopeoRaw, verifyCopied } from '../harness/verify-copy.js';

const MiB = 1024 * 1024;

/** An image tagged `1` in `repository` with one signature referrer, listed under the referrers tag schema. */
async function seedSigned(reg: TestRegistry, repository: string): Promise<{ subject: SeededImage; referrer: Buffer; referrerDigest: string; tagIndex: Buffer }> {
  const subject = await seedImage(reg, repository, '1');
  const empty = blobOf(Buffer.from('{}'));
  const signature = blobOf(randomBytes(300));
  await pushBlob(reg, repository, empty);
  await pushBlob(reg, repository, signature);
  const referrer = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: MediaType.ociEmpty, digest: empty.digest, size: empty.size },
      layers: [{ mediaType: 'application/vnd.example.signature.v1', digest: signature.digest, size: signature.size }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.manifest.length },
    }),
  );
  const referrerDigest = await pushManifest(reg, repository, sha256(referrer), referrer, MediaType.ociManifest);
  const tagIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, digest: referrerDigest, size: referrer.length, artifactType: 'application/vnd.example.signature' }] }));
  await pushManifest(reg, repository, subject.digest.replace(':', '-'), tagIndex, MediaType.ociIndex);
  return { subject, referrer, referrerDigest, tagIndex };
}

describe('copy between registries', () => {
  let token: TestRegistry;
  let basic: TestRegistry;
  let tls: TestRegistry;
  let plain: TestRegistry;
  let app: SeededImage;
  let multi: { digest: string; images: readonly SeededImage[] };
  let multiBytes: Buffer;
  let big: SeededImage;
  let big2: SeededImage;

  before(async () => {
    [token, basic, tls, plain] = await Promise.all([startRegistry('token'), startRegistry('basic'), startRegistry('tls'), startRegistry('none')]);
    // A layer of several chunks, so the copy uploads it in PATCHes.
    app = await seedImage(token, 'team/app', '1', { layers: [randomLayer(3 * MiB), randomLayer(4096)] });
    const shared = randomLayer(50_000);
    const platforms = [
      { architecture: 'amd64', layers: [shared, randomLayer(10_000)] },
      { architecture: 'arm64', variant: 'v8', layers: [shared, randomLayer(20_000)] },
      { architecture: 'arm', variant: 'v7', layers: [shared] },
    ];
    for (const reg of [token, tls]) multi = await seedIndex(reg, 'team/multi', '2', platforms);
    multiBytes = (await clientFor(tls).getManifest('team/multi', '2')).bytes;
    big = await seedImage(plain, 'big/app', '1', { layers: [randomLayer(12 * MiB)] });
    big2 = await seedImage(plain, 'big/app', '2', { layers: [randomLayer(12 * MiB)] });
  });
  after(async () => {
    for (const reg of [token, basic, tls, plain]) {
      await closeSeeders(reg);
      await reg.stop();
    }
  });

  it('copies an image from token auth to basic auth, manifest byte for byte', async () => {
    const run = await copyWithEngine({ reg: token }, 'team/app:1', { reg: basic }, 'prod/app:1', { settings: { chunkSize: MiB } });
    assert.equal(run.digest, app.digest);
    assert.equal(run.blobs.uploaded, 3, 'config and two layers uploaded');
    assert.equal(run.events.at(-1)?.type, 'pushed');
    await verifyCopied(basic, 'prod/app:1', app.manifest);
  });

  it('a second copy transfers nothing: no upload or write reaches the registry', async () => {
    const proxy = await startCountingProxy(basic);
    try {
      const run = await copyWithEngine({ reg: token }, 'team/app:1', { reg: basic, via: proxy.host }, 'prod/app:1');
      assert.equal(run.bytesSent, 0);
      assert.deepEqual(run.blobs, { uploaded: 0, mounted: 0, skipped: 3 });
      assert.deepEqual(proxy.uploads(), []);
      assert.deepEqual(proxy.requests.filter((r) => !r.startsWith('HEAD') && !r.startsWith('GET')), [], 'nothing written, not even the manifest');
    } finally {
      await proxy.close();
    }
  });

  it('copies a multi-arch index whole from TLS to plain HTTP, every platform, the index digest unchanged', async () => {
    const run = await copyWithEngine({ reg: tls }, 'team/multi:2', { reg: plain }, 'mirror/multi:2');
    assert.equal(run.digest, multi.digest);
    await verifyCopied(plain, 'mirror/multi:2', multiBytes);
  });

  it('copies one platform of an index: that platform manifest, as it is', async () => {
    const arm64 = multi.images[1] as SeededImage;
    const run = await copyWithEngine({ reg: token }, 'team/multi:2', { reg: basic }, 'prod/multi:arm64', { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(run.digest, arm64.digest);
    await verifyCopied(basic, 'prod/multi:arm64', arm64.manifest);
    await assert.rejects(
      copyWithEngine({ reg: token }, 'team/multi:2', { reg: basic }, 'prod/multi:s390x', { platform: { os: 'linux', architecture: 's390x' } }),
      (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && /linux\/arm64\/v8/.test((e as Error).message),
    );
  });

  it('copies referrers after their subject, findable at the destination through the tag schema', async () => {
    const { subject, referrer, referrerDigest, tagIndex } = await seedSigned(token, 'team/signed');

    const run = await copyWithEngine({ reg: token }, 'team/signed:1', { reg: basic }, 'prod/signed:1', { referrers: true });
    assert.equal(run.referrers, 1);
    await verifyCopied(basic, 'prod/signed:1', subject.manifest);
    // Artifacts are not images skopeo can pull whole: their bytes are what counts.
    assert.equal(await skopeoRaw(basic, `prod/signed@${referrerDigest}`), referrer.toString());
    assert.equal(await skopeoRaw(basic, `prod/signed:${subject.digest.replace(':', '-')}`), tagIndex.toString());
    const client = clientFor(basic);
    try {
      const found = await client.referrers('prod/signed', subject.digest);
      assert.deepEqual(found.map((d) => d.digest), [referrerDigest]);
    } finally {
      await client.close();
    }
  });

  it('a cancel while the referrers are written, after the tag, says the tag was written and names its digest (the job then opens it)', async () => {
    const { subject, referrerDigest } = await seedSigned(plain, 'team/signed-late');
    const controller = new AbortController();
    // The referrer's PUT is held: the copy is cancelled there, its tag already written.
    const proxy = await startTagPutProxy(Number(plain.host.split(':')[1]), `/v2/prod/signed-late/manifests/${referrerDigest}`, 'before-storing', () => controller.abort(new Error('user cancelled')));
    try {
      const error = await copyWithEngine({ reg: plain }, 'team/signed-late:1', { reg: plain, via: proxy.host }, 'prod/signed-late:1', { referrers: true, signal: controller.signal }).then(
        () => assert.fail('the copy ended as if not cancelled'),
        (e: unknown) => e,
      );
      assert.ok(isStevedoreError(error, 'CANCELLED'), String(error));
      assert.match(error.message, /^copy cancelled once \S+prod\/signed-late:1 was written: its referrers may be incomplete$/);
      assert.equal(error.details.tagState, 'written');
      assert.equal(error.details.digest, subject.digest);
    } finally {
      await proxy.close();
    }
  });

  it('mounts within one registry: no blob is uploaded', async () => {
    const proxy = await startCountingProxy(plain);
    try {
      const run = await copyWithEngine({ reg: plain, via: proxy.host }, 'mirror/multi:2', { reg: plain, via: proxy.host }, 'other/multi:2', { sameClient: true });
      assert.equal(run.digest, multi.digest);
      assert.equal(run.blobs.uploaded, 0);
      assert.ok(run.blobs.mounted > 0);
      assert.deepEqual(proxy.uploads(), [], 'no upload session was opened');
      assert.ok(proxy.requests.some((r) => r.startsWith('POST') && r.includes('mount=')));
      await verifyCopied(plain, 'other/multi:2', multiBytes);
    } finally {
      await proxy.close();
    }
  });

  it('resumes when the source connection is cut in the middle of a blob', async () => {
    const proxy = await startTcpCutProxy(Number(plain.host.split(':')[1]), 'download');
    try {
      proxy.cutAfter(5 * MiB);
      const run = await copyWithEngine({ reg: plain, via: proxy.host }, 'big/app:1', { reg: basic }, 'prod/big:src-cut', { settings: { chunkSize: 2 * MiB } });
      assert.equal(proxy.cuts, 1, 'the download was cut once');
      assert.equal(run.digest, big.digest);
      await verifyCopied(basic, 'prod/big:src-cut', big.manifest);
    } finally {
      await proxy.close();
    }
  });

  it('resumes when the destination connection is cut in the middle of a blob', async () => {
    const proxy = await startTcpCutProxy(Number(basic.host.split(':')[1]), 'upload');
    try {
      proxy.cutAfter(5 * MiB);
      const run = await copyWithEngine({ reg: plain }, 'big/app:2', { reg: basic, via: proxy.host }, 'prod/big:dst-cut', { settings: { chunkSize: 2 * MiB } });
      assert.equal(proxy.cuts, 1, 'the upload was cut once');
      assert.equal(run.digest, big2.digest);
      await verifyCopied(basic, 'prod/big:dst-cut', big2.manifest);
    } finally {
      await proxy.close();
    }
  });

  it('the CLI copies every tag with --all-tags, each side with its own credentials, events as JSON', async () => {
    const one = await seedImage(token, 'team/tags', '1');
    const two = await seedImage(token, 'team/tags', '2', { layers: [...one.layers, randomLayer(1000)] });
    const home = await mkdtemp(join(tmpdir(), 'stevedore-copy-cli-'));
    try {
      await writeFile(join(home, 'config.json'), '{}');
      const env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
      const creds = `${ADMIN.username}:${ADMIN.password}`;
      const result = await runCli(['copy', `${token.host}/team/tags`, `${basic.host}/prod/tags`, '--all-tags', '--json', '--src-creds', creds, '--dest-creds', creds], env);
      assert.equal(result.code, 0, result.stderr);
      const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as PushEvent);
      assert.deepEqual(events.filter((e) => e.type === 'pushed').map((e) => [e.target, e.type === 'pushed' ? e.digest : '']), [
        [`${basic.host}/prod/tags:1`, one.digest],
        [`${basic.host}/prod/tags:2`, two.digest],
      ]);
      // The second tag's shared layers were already there.
      const plans = events.filter((e) => e.type === 'plan');
      assert.deepEqual(plans[1]?.type === 'plan' ? plans[1].blobs.map((b) => b.action).sort() : [], ['skip', 'skip', 'upload', 'upload']);
      await verifyCopied(basic, 'prod/tags:1', one.manifest);
      await verifyCopied(basic, 'prod/tags:2', two.manifest);
      const denied = await runCli(['copy', `${token.host}/team/tags:1`, `${basic.host}/prod/tags:3`, '--src-creds', creds], env);
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /\[AUTH_REQUIRED\]|\[AUTH_FAILED\]|\[DENIED\]/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a cancelled copy leaves no tag', async () => {
    const controller = new AbortController();
    const layer = blobOf(gzipSync(randomBytes(8 * MiB), { level: 1 }));
    await seedImage(plain, 'big/cancel', '1', { layers: [layer] });
    await assert.rejects(
      copyWithEngine({ reg: plain }, 'big/cancel:1', { reg: basic }, 'prod/cancel:1', {
        signal: controller.signal,
        settings: { chunkSize: MiB },
        onEvent: (e) => {
          if (e.type === 'progress' && e.blobs.some((b) => b.bytesSent > 0)) controller.abort();
        },
      }),
      (e: unknown) => isStevedoreError(e, 'CANCELLED'),
    );
    await assertNoTag(basic, 'prod/cancel', '1');
  });

  it("a cancel once the registry has stored the tag, whose answer never comes, ends the copy at once, naming the digest the tag holds", async () => {
    const seeded = await seedImage(plain, 'big/late', '1', { layers: [randomLayer(64 * 1024)] });
    const error = await cancelAtTagPut(plain, 'prod/late', '1', 'after-storing', (via, signal) => copyWithEngine({ reg: plain }, 'big/late:1', { reg: plain, via }, 'prod/late:1', { signal }));
    assert.equal(error.details.digest, seeded.digest);
  });

  it("a cancel while the registry holds the tag's PUT unstored ends the copy at once, saying the tag's state is unknown, not that it was not written: the registry stores it afterwards", async () => {
    await seedImage(plain, 'big/held', '1', { layers: [randomLayer(64 * 1024)] });
    await cancelAtTagPut(plain, 'prod/held', '1', 'before-storing', (via, signal) => copyWithEngine({ reg: plain }, 'big/held:1', { reg: plain, via }, 'prod/held:1', { signal }));
  });

  it("a cancel while the registry answers nothing about the tag ends the copy at once, saying the tag's state is unknown", async () => {
    await seedImage(plain, 'big/silent', '1', { layers: [randomLayer(64 * 1024)] });
    await cancelAtTagPut(plain, 'prod/silent', '1', 'silent', (via, signal) => copyWithEngine({ reg: plain }, 'big/silent:1', { reg: plain, via }, 'prod/silent:1', { signal }));
  });

  it("stevedore copy, interrupted while the registry holds the answer to the tag's PUT, exits at once saying the tag was written and its digest", async () => {
    const seeded = await seedImage(plain, 'big/cli-late', '1', { layers: [randomLayer(64 * 1024)] });
    const home = await mkdtemp(join(tmpdir(), 'stevedore-copy-late-'));
    try {
      await writeFile(join(home, 'config.json'), '{}');
      const env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
      const error = await cancelAtTagPut(plain, 'prod/cli-late', '1', 'after-storing', cliJob((via) => ['copy', `${plain.host}/big/cli-late:1`, `${via}/prod/cli-late:1`], env));
      assert.equal(error.details.digest, seeded.digest);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
