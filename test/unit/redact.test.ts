import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StevedoreError } from '../../electron/core/errors.js';
import { redactHeaders, redactUrl } from '../../electron/core/redact.js';

describe('redaction', () => {
  it('removes user info and secret query parameters from URLs', () => {
    const out = redactUrl('https://user:pw@reg.example/v2/x?X-Amz-Signature=abc&n=10&access_token=t0k');
    assert.ok(!out.includes('pw') && !out.includes('abc') && !out.includes('t0k'), out);
    assert.ok(out.includes('n=10'));
  });

  it('masks credential headers', () => {
    assert.deepEqual(redactHeaders({ Authorization: 'Basic xyz', accept: 'a' }), { Authorization: '***', accept: 'a' });
  });

  it('is applied to every error URL', () => {
    const error = new StevedoreError('NETWORK', 'x', { url: 'https://a:secret@h/p?token=zzz' });
    assert.ok(!JSON.stringify(error.toInfo()).includes('secret'));
    assert.ok(!JSON.stringify(error.toInfo()).includes('zzz'));
  });
});
