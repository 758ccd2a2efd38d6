// Cache files (and the docker config) planted by someone else: a FIFO where a small cache file belongs must be a miss, not a command that
// waits forever for a writer (the engine reads only regular files). Each case runs in a child process with a deadline,
// since a blocked synchronous read cannot be interrupted from inside.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const SCHEME_MEMORY = new URL('../../electron/core/registry/scheme-memory.js', import.meta.url).href;
const CONTENT_CACHE = new URL('../../electron/core/cache/content-cache.js', import.meta.url).href;
const DOCKER_CONFIG = new URL('../../electron/core/auth/docker-config.js', import.meta.url).href;

function runChild(script: string): Promise<{ code: number | string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal ?? 'killed') : 0, stdout, stderr });
    });
  });
}

describe('hostile cache files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-cache-hostile-'));
    await mkdir(join(dir, 'schemes'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a remembered scheme that is a FIFO or huge is not remembered; a regular one still is', async () => {
    execFileSync('mkfifo', [join(dir, 'schemes/127.0.0.1_5000')]);
    await writeFile(join(dir, 'schemes/127.0.0.1_5001'), '');
    await truncate(join(dir, 'schemes/127.0.0.1_5001'), 64 * 1024 * 1024);
    await writeFile(join(dir, 'schemes/127.0.0.1_5002'), 'http\n');
    const script = `
      import { SchemeMemory } from ${JSON.stringify(SCHEME_MEMORY)};
      const memory = new SchemeMemory(${JSON.stringify(dir)});
      process.stdout.write(JSON.stringify(['127.0.0.1:5000', '127.0.0.1:5001', '127.0.0.1:5002'].map((host) => memory.plainHttp(host))));
    `;
    const result = await runChild(script);
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    assert.deepEqual(JSON.parse(result.stdout), [false, false, true]);
  });

  it('remembering a scheme never writes through a symlink planted at the temp name it used to use (its own pid)', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const script = `
      import { symlinkSync } from 'node:fs';
      import { SchemeMemory } from ${JSON.stringify(SCHEME_MEMORY)};
      symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(join(dir, 'schemes/127.0.0.1_5003'))} + '.' + process.pid + '.tmp');
      const memory = new SchemeMemory(${JSON.stringify(dir)});
      memory.remember('127.0.0.1:5003', 'http');
      process.stdout.write(JSON.stringify(memory.plainHttp('127.0.0.1:5003')));
    `;
    const result = await runChild(script);
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    assert.equal(result.stdout, 'true', 'still remembered');
    assert.equal(await readFile(victim, 'utf8'), 'precious\n', 'the file the symlink names is untouched');
  });

  it('a cached manifest that is a FIFO or far larger than any manifest is a miss, not read', async () => {
    const fifo = `sha256:${'a'.repeat(64)}`;
    const huge = `sha256:${'b'.repeat(64)}`;
    const good = Buffer.from('{}');
    const goodDigest = `sha256:${createHash('sha256').update(good).digest('hex')}`;
    const pathOf = (digest: string): string => join(dir, 'content/sha256', digest.slice(7, 9), digest.slice(7));
    await Promise.all([fifo, huge, goodDigest].map((d) => mkdir(join(pathOf(d), '..'), { recursive: true })));
    execFileSync('mkfifo', [pathOf(fifo)]);
    await writeFile(pathOf(huge), '');
    await truncate(pathOf(huge), 3 * 1024 * 1024 * 1024);
    await writeFile(pathOf(goodDigest), good);
    const script = `
      import { ContentCache } from ${JSON.stringify(CONTENT_CACHE)};
      const cache = new ContentCache(${JSON.stringify(dir)});
      const found = [];
      for (const digest of ${JSON.stringify([fifo, huge, goodDigest])}) found.push((await cache.get(digest))?.toString() ?? null);
      process.stdout.write(JSON.stringify(found));
    `;
    const result = await runChild(script);
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    assert.deepEqual(JSON.parse(result.stdout), [null, null, '{}']);
  });

  it('a docker config.json that is a FIFO is refused with NOT_A_FILE naming it, not waited for', async () => {
    await mkdir(join(dir, 'docker'));
    execFileSync('mkfifo', [join(dir, 'docker/config.json')]);
    const script = `
      import { readDockerConfig } from ${JSON.stringify(DOCKER_CONFIG)};
      try { await readDockerConfig(${JSON.stringify(join(dir, 'docker/config.json'))}); process.stdout.write('read'); }
      catch (error) { process.stdout.write(JSON.stringify({ code: error.code, message: error.message })); }
    `;
    const result = await runChild(script);
    assert.equal(result.code, 0, `the child ended: ${String(result.code)} ${result.stderr}`);
    const { code, message } = JSON.parse(result.stdout) as { code: string; message: string };
    assert.equal(code, 'NOT_A_FILE');
    assert.match(message, /docker\/config\.json is a FIFO/);
  });
});
