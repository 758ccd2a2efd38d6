// Failures that happen here, not at the registry, carry codes that say so: a crashed compression worker is INTERNAL,
// a dropped connection NETWORK, an unreadable archive ARCHIVE_INVALID; REGISTRY_ERROR is only for what a registry said.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { StevedoreError, isStevedoreError } from '../../electron/core/errors.js';
import { pushFailure } from '../../electron/core/push/push-errors.js';
import { WorkerPool } from '../../electron/core/workers/pool.js';

describe('push failures get honest codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-push-errors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a compression worker that dies mid-task fails it as INTERNAL', async () => {
    const script = join(dir, 'dies.mjs');
    writeFileSync(script, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\n");
    const pool = new WorkerPool(pathToFileURL(script), 1);
    try {
      await assert.rejects(pool.run({ kind: 'gzip', level: 1, data: new Uint8Array(10) }), (e: unknown) => isStevedoreError(e, 'INTERNAL') && /compression worker stopped \(exit code 7\)/.test(e.message));
    } finally {
      await pool.close();
    }
  });

  it('a compression worker that throws fails it as INTERNAL', async () => {
    const script = join(dir, 'throws.mjs');
    writeFileSync(script, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new RangeError('bad offset'); });\n");
    const pool = new WorkerPool(pathToFileURL(script), 1);
    try {
      await assert.rejects(pool.run({ kind: 'gzip', level: 1, data: new Uint8Array(10) }), (e: unknown) => isStevedoreError(e, 'INTERNAL') && /crashed: bad offset/.test(e.message));
    } finally {
      await pool.close();
    }
  });

  it('maps what escapes the push to a code by what happened', () => {
    const code = (error: unknown): string => pushFailure(error).code;
    assert.equal(code(new RangeError('The value of "size" is out of range. Received NaN')), 'INTERNAL');
    assert.equal(code(new Error('Worker terminated due to reaching memory limit: JS heap out of memory')), 'INTERNAL');
    assert.equal(code(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })), 'NETWORK');
    assert.equal(code(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })), 'NETWORK');
    assert.equal(code(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' })), 'ARCHIVE_INVALID');
    assert.equal(code(new DOMException('This operation was aborted', 'AbortError')), 'CANCELLED');
    const said = new StevedoreError('REGISTRY_ERROR', 'blob upload invalid', { status: 400, registryCode: 'BLOB_UPLOAD_INVALID' });
    assert.equal(pushFailure(said), said, 'what the registry said stays as it is');
    assert.equal(code('a string'), 'INTERNAL');
  });
});
