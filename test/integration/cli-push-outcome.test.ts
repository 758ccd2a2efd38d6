// What `stevedore push` tells a user once it is done, checked against the registry (skopeo's view of what it holds):
// the bytes it uploaded and what gzipped them, `nothing to upload` the second time, and the reference@digest once, on
// stdout.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatBytes } from '../../shared/format.js';
import { layerTar, legacyDockerArchive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoInspect } from '../harness/tools.js';
import { skopeoDigest } from '../harness/verify-push.js';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('stevedore push: what it says when done', () => {
  let reg: TestRegistry;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    reg = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-cli-push-outcome-'));
    env = { ...process.env, DOCKER_CONFIG: work, STEVEDORE_CACHE_DIR: join(work, 'cache') };
  });
  after(async () => {
    await reg?.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** Bytes the registry holds for the image: its config and its (gzipped) layers, as skopeo reads the manifest. */
  async function storedBytes(reference: string): Promise<number> {
    const manifest = (await skopeoInspect(reg, reference, true)) as { config: { size: number }; layers: { size: number }[] };
    return manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
  }

  async function archiveOf(name: string, image: TestImage): Promise<string> {
    const file = join(work, `${name}.tar`);
    await writeTar(file, legacyDockerArchive([{ image, tags: [`team/${name}:1`] }]));
    return file;
  }

  it('says what it uploaded and with which gzip, then nothing to upload the second time; the digest once, on stdout', async () => {
    const image = testImage([await layerTar('outcome-text', 400_000, 'text'), await layerTar('outcome-random', 100_000)]);
    const archive = await archiveOf('app', image);
    const reference = `${reg.host}/team/app:1`;
    const first = await runCli(['push', archive, reference], env);
    assert.equal(first.code, 0, first.stderr);
    const digest = await skopeoDigest(reg, 'team/app:1');
    assert.equal(first.stdout, `${reference}@${digest}\n`);
    const read = image.layers.reduce((sum, l) => sum + l.length, 0);
    const engine = env.STEVEDORE_GZIP === 'zlib' ? 'zlib' : '(libdeflate|zlib)';
    assert.match(first.stderr, new RegExp(`^Pushed ${escape(reference)}\\. Uploaded ${escape(formatBytes(await storedBytes('team/app:1')))} in 3 blobs \\(2 layers gzipped from ${escape(formatBytes(read))} with ${engine} [^\\n]*\\)$`, 'm'));
    assert.ok(!first.stderr.includes(digest), `the digest is stdout's, not repeated on stderr:\n${first.stderr}`);
    // ... and the plan, before any byte moves, names the compressor too.
    assert.match(first.stderr, new RegExp(`^Pushing ${escape(reference)}: 3 blobs \\(2 to compress with ${engine} [^,]+, 1 to upload\\)$`, 'm'));

    const again = await runCli(['push', archive, reference], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `${reference}@${digest}\n`);
    assert.match(again.stderr, new RegExp(`^Pushed ${escape(reference)}\\. Nothing to upload: the registry had all 3 blobs already$`, 'm'));
  });

  it('names zlib as the slower fallback when it gzipped the layers', async () => {
    const image = testImage([await layerTar('outcome-zlib', 300_000, 'text')]);
    const archive = await archiveOf('zlib', image);
    const result = await runCli(['push', archive, `${reg.host}/team/zlib:1`], { ...env, STEVEDORE_GZIP: 'zlib' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\(1 layer gzipped from [^)]* with zlib [^ ]+ — the slower fallback; the libdeflate addon is not in use\)$/m);
  });
});
