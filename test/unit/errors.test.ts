import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StevedoreError, toErrorInfo } from '../../electron/core/errors.js';
import { strictLength } from '../../electron/core/http/body.js';

describe('toErrorInfo', () => {
  it('keeps REGISTRY_ERROR for what a registry said, and names everything else for what it is', () => {
    assert.equal(toErrorInfo(new StevedoreError('REGISTRY_ERROR', 'the registry said no')).code, 'REGISTRY_ERROR');
    assert.equal(toErrorInfo(new RangeError('The value of "size" is out of range. Received NaN')).code, 'INTERNAL');
    assert.equal(toErrorInfo(new Error('Worker terminated')).code, 'INTERNAL');
    assert.equal(toErrorInfo('a string').code, 'INTERNAL');
    assert.equal(toErrorInfo(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).code, 'NETWORK');
    assert.equal(toErrorInfo(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).code, 'NETWORK');
    assert.equal(toErrorInfo(Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' })).code, 'TIMEOUT');
    assert.equal(toErrorInfo(new DOMException('This operation was aborted', 'AbortError')).code, 'CANCELLED');
  });
});

describe('strictLength', () => {
  it('reads plain digits only', () => {
    assert.equal(strictLength('1234'), 1234);
    assert.equal(strictLength(' 0 '), 0);
    for (const bad of ['', '-5', '1e3', '0x10', '12abc', 'NaN', '99999999999999999999']) assert.equal(strictLength(bad), undefined, bad);
    assert.equal(strictLength(undefined), undefined);
  });
});
