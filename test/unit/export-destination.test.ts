// An export's destination is checked before any blob is downloaded, and its problems are named by the path the user
// gave: a directory at that name, a folder that does not exist. Not a rename failing with EISDIR at the very end, nor
// an INTERNAL error naming the hidden temp file.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { TarFile } from '../../electron/core/export/tar-file.js';

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
});
