// Failures that happen here, not at the registry, carry codes that say so: a failed compression is INTERNAL,
// a dropped connection NETWORK, an unreadable archive ARCHIVE_INVALID; REGISTRY_ERROR is only for what a registry said.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StevedoreError, isStevedoreError, toErrorInfo } from '../../electron/core/errors.js';
import { pushFailure } from '../../electron/core/push/push-errors.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';

describe('push failures get honest codes', () => {
  it('a compression that fails is INTERNAL', async () => {
    const engine = new ZlibGzip(1);
    try {
      // zlib refuses the level: ours to fix, not the registry's.
      await assert.rejects(engine.gzip(new Uint8Array(10), 42), (e: unknown) => isStevedoreError(e, 'INTERNAL') && /compression failed/.test(e.message));
    } finally {
      await engine.close();
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

  it('at every edge (CLI, IPC), what is not an engine error is INTERNAL, its text redacted', () => {
    assert.deepEqual(toErrorInfo(new TypeError("Cannot read properties of undefined (reading 'x')")), { code: 'INTERNAL', message: "Cannot read properties of undefined (reading 'x')" });
    assert.deepEqual(toErrorInfo(new Error('failed with Authorization: Bearer abc.def-123')), { code: 'INTERNAL', message: 'failed with Authorization: Bearer ***' });
    assert.equal(toErrorInfo(new DOMException('This operation was aborted', 'AbortError')).code, 'CANCELLED');
  });
});
