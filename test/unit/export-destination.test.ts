// An export's destination is checked before any blob is downloaded, and its problems are named by the path the user
// gave: a directory at that name, a folder that does not exist. Not a rename failing with EISDIR at the very end, nor
// an INTERNAL error naming the hidden temp file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { run } from '../harness/exec.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { TarFile } from '../../electron/core/export/tar-file.js';
import { exportTarget } from '../../electron/host/export-target.js';

/**
 * Runs `script` (an ES module) in a node whose files may not grow past 1 MiB, and gives its stdout. ulimit -f counts
 * 1024-byte blocks; Node ignores SIGXFSZ, so a write past the limit fails with EFBIG.
 */
function underFileSizeLimit(script: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile('bash', ['-c', 'ulimit -f 1024 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(err || error.message)) : resolve(out)));
  });
}

describe('export destination', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-export-destination-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a directory at the destination before writing anything', async () => {
    const target = join(dir, 'images');
    await mkdir(target);
    await assert.rejects(TarFile.create(target), (e: unknown) => isStevedoreError(e, 'NOT_A_FILE') && e.message === `destination ${target} is a directory, not a regular file`);
    assert.deepEqual(await readdir(dir), ['images'], 'no temp file left beside it');
  });

  it('names a missing folder, not the temp file', async () => {
    const target = join(dir, 'missing', 'app.tar');
    await assert.rejects(TarFile.create(target), (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && e.message === `cannot write ${target}: the folder ${join(dir, 'missing')} does not exist`);
  });

  it('writes a tar that is renamed into place on commit', async () => {
    const target = join(dir, 'ok.tar');
    const tar = await TarFile.create(target);
    await tar.addBytes('hello.txt', Buffer.from('hi'));
    await tar.commit();
    assert.ok((await readdir(dir)).includes('ok.tar'));
  });

  it('writes names longer than 100 bytes (sha384 and sha512 blob paths, a config named by sha512 hex) as GNU tar reads them', async () => {
    const target = join(dir, 'long.tar');
    const names = [`blobs/sha512/${'a'.repeat(128)}`, `blobs/sha384/${'b'.repeat(96)}`, `${'c'.repeat(128)}.json`, `${'d'.repeat(64)}/layer.tar`];
    const tar = await TarFile.create(target);
    for (const name of names) await tar.addStream(name, (async function* () {
      yield Buffer.from(`content of ${name}`);
    })());
    await tar.commit();
    assert.deepEqual((await run('tar', ['-tf', target])).stdout.trim().split('\n'), names);
    for (const name of names) assert.equal((await run('tar', ['-xOf', target, name])).stdout, `content of ${name}`);
  });

  it('a name near the file system limit (255 bytes) is written (its temp name fits too); one past it is refused before the export starts', async () => {
    const folder = join(dir, 'long-names');
    await mkdir(folder);
    // 250 bytes: 4-byte characters, so a temp name cut by bytes cuts one in two.
    const name = `ab${'😀'.repeat(61)}.tar`;
    assert.equal(Buffer.byteLength(name), 250);
    const tar = await TarFile.create(join(folder, name));
    await tar.addBytes('hello.txt', Buffer.from('hi'));
    await tar.commit();
    assert.deepEqual(await readdir(folder), [name]);
    await assert.rejects(exportTarget('x'.repeat(256), folder), (e: unknown) => isStevedoreError(e, 'INVALID_ARGUMENT') && /longer than this file system allows/.test(e.message));
    assert.deepEqual(await readdir(folder), [name], 'nothing written');
  });

  it('a full disk (here: a file size limit) fails with NO_SPACE naming the destination, and leaves no file and no temp file', async () => {
    const folder = join(dir, 'full');
    await mkdir(folder);
    const target = join(folder, 'big.tar');
    const module = fileURLToPath(new URL('../../electron/core/export/tar-file.js', import.meta.url));
    const script = `
      const { TarFile } = await import(${JSON.stringify(module)});
      const tar = await TarFile.create(${JSON.stringify(target)});
      try {
        await tar.addBytes('big.bin', Buffer.alloc(4 * 1024 * 1024, 1));
        await tar.commit();
        console.log(JSON.stringify({ written: true }));
      } catch (error) {
        await tar.discard();
        console.log(JSON.stringify({ code: error.code, message: error.message }));
      }`;
    const stdout = await underFileSizeLimit(script);
    const outcome = JSON.parse(stdout) as { code?: string; message?: string };
    assert.equal(outcome.code, 'NO_SPACE', stdout);
    assert.match(outcome.message ?? '', new RegExp(`^cannot write ${target}: .*\\(EFBIG\\)$`));
    assert.deepEqual(await readdir(folder), [], 'no file and no temp file left');
  });

  it('a spool file beside the tar that hits the limit fails with NO_SPACE naming the destination too, not a raw EFBIG', async () => {
    const folder = join(dir, 'full-spool');
    await mkdir(folder);
    const target = join(folder, 'big.tar');
    const module = fileURLToPath(new URL('../../electron/core/export/tar-file.js', import.meta.url));
    const script = `
      const { TarFile } = await import(${JSON.stringify(module)});
      const tar = await TarFile.create(${JSON.stringify(target)});
      try {
        const spool = await tar.openSpool();
        await spool.write(Buffer.alloc(4 * 1024 * 1024, 1));
        console.log(JSON.stringify({ written: true }));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, name: error.name, message: error.message }));
      } finally {
        await tar.discard();
      }`;
    const stdout = await underFileSizeLimit(script);
    const outcome = JSON.parse(stdout) as { code?: string; name?: string; message?: string };
    assert.deepEqual([outcome.name, outcome.code], ['StevedoreError', 'NO_SPACE'], stdout);
    assert.match(outcome.message ?? '', new RegExp(`^cannot write ${target}: .*\\(EFBIG\\)$`));
    assert.deepEqual(await readdir(folder), [], 'no file, no temp file and no spool file left');
  });
});
