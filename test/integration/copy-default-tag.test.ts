// `stevedore copy a/app b/app`, neither side tagged: both mean `latest`, as docker, skopeo and crane read them, so the
// destination gets a tag (it used to receive the manifest by digest only: "Copied" and nothing to pull by name).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage, type SeededImage } from '../harness/seed.js';
import { verifyCopied } from '../harness/verify-copy.js';

describe('copy without tags', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let latest: SeededImage;
  let home: string;

  before(async () => {
    [source, target] = await Promise.all([startRegistry('none'), startRegistry('none')]);
    latest = await seedImage(source, 'team/app', 'latest');
    home = await mkdtemp(join(tmpdir(), 'stevedore-copy-default-tag-'));
    await writeFile(join(home, 'config.json'), '{}');
  });
  after(async () => {
    for (const reg of [source, target]) {
      await closeSeeders(reg);
      await reg.stop();
    }
    await rm(home, { recursive: true, force: true });
  });

  it('tags the destination latest when neither reference names a tag', async () => {
    const env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
    const result = await runCli(['copy', `${source.host}/team/app`, `${target.host}/prod/app`], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `${target.host}/prod/app:latest@${latest.digest}`);
    await verifyCopied(target, 'prod/app:latest', latest.manifest);
  });
});
