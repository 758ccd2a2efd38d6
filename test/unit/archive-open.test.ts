// A tarball path that names nothing is a wrong path (NOT_FOUND, one line), not a broken archive (ARCHIVE_INVALID
// with the raw ENOENT text).
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { indexArchive } from '../../electron/core/archive/archive-source.js';
import { isStevedoreError } from '../../electron/core/errors.js';

describe('opening an archive', () => {
  it('names a missing file as NOT_FOUND', async () => {
    const path = join(tmpdir(), 'stevedore-no-such-archive-8c1f.tar');
    await assert.rejects(indexArchive(path), (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && e.message === `${path}: no such file`);
  });
});
