// A repository of 150,000 tags, sent in one page as distribution 2.8 sends them: the CLI lists every one (spreading
// such a page as arguments overflowed the stack). The UI's side is in test/e2e/catalog-scale.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../harness/cli.js';
import { startManyTagsServer, type ManyTagsServer } from '../harness/many-tags-server.js';

const TAGS = 150_000;

describe('a repository of 150,000 tags', () => {
  let server: ManyTagsServer;
  let work: string;
  before(async () => {
    server = await startManyTagsServer(TAGS);
    work = await mkdtemp(join(tmpdir(), 'stevedore-tags-scale-'));
  });
  after(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('stevedore tags lists every one', async () => {
    const result = await runCli(['tags', `${server.host}/${server.repository}`], { ...process.env, DOCKER_CONFIG: work, STEVEDORE_CACHE_DIR: join(work, 'cache') });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, TAGS);
    assert.deepEqual(new Set(lines), new Set(server.tags));
  });
});
