import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StevedoreError } from '../../electron/core/errors.js';
import { redactHeaders, redactText, redactUrl, redactValue } from '../../electron/core/redact.js';

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

  it('masks secrets in URLs it cannot parse and in URLs inside text', () => {
    for (const [input, secret] of [
      ['//bob:hunter2@reg/v2/?password=x1', 'hunter2'],
      ['not a url token=abc123 end', 'abc123'],
      ['see https://bob:p@ss@host:5000/v2/ for details', 'p@ss'],
      ['git+ssh://deploy:key99@host/repo', 'key99'],
    ] as const) {
      const out = redactUrl(input);
      assert.ok(!out.includes(secret), `${input} -> ${out}`);
    }
    assert.equal(redactText('see https://bob:p@ss@host:5000/v2/ now'), 'see https://***@host:5000/v2/ now');
  });

  it('masks Authorization headers and Basic and Bearer credentials in text, keeping challenges and prose', () => {
    const basic = `Basic ${Buffer.from('alice:alice-pass').toString('base64')}`;
    assert.equal(redactText(`Authorization: ${basic}`), 'Authorization: ***');
    assert.equal(redactText(`GET /v2/\r\nproxy-authorization: ${basic}\r\naccept: */*`), 'GET /v2/\r\nproxy-authorization: ***\r\naccept: */*');
    assert.equal(redactText(`sent ${basic}, refused`), 'sent Basic ***, refused');
    assert.equal(redactText('sent bearer abc.def-ghi_jkl'), 'sent bearer ***');
    assert.equal(redactText('Basic YWJjZA=='), 'Basic ***', 'base64 ending in = is still a credential');
    assert.equal(redactText('Bearer abcdefghijklmnopqrstuvwxyz'), 'Bearer ***', 'a long letters-only token');
    const challenge = 'Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"';
    assert.equal(redactText(challenge), challenge);
    assert.equal(redactText('Basic realm="Registry Realm"'), 'Basic realm="Registry Realm"');
    assert.equal(redactText('401 without a Basic or Bearer challenge'), '401 without a Basic or Bearer challenge');
    assert.equal(redactText('the registry requires authorization: run docker login'), 'the registry requires authorization: run docker login');
  });

  it('masks token=, access_token=, password=, secret= in queries and forms, not look-alike names or values', () => {
    assert.equal(redactText('grant_type=password&password=hunter2&username=bob'), 'grant_type=password&password=***&username=bob');
    assert.equal(redactText('a=1&TOKEN=abc&access_token=def&refresh_token=ghi&client_secret=jkl&secret=mno'), 'a=1&TOKEN=***&access_token=***&refresh_token=***&client_secret=***&secret=***');
    assert.equal(redactText('mytoken=keep&token_type=bearer&xpassword=keep'), 'mytoken=keep&token_type=bearer&xpassword=keep');
    assert.equal(redactText('password=p%40ss%26word;next'), 'password=***;next');
    assert.equal(redactText('password='), 'password=***');
  });

  it('masks secret JSON fields, escaped quotes included, and bare JWTs', () => {
    const body = '{"token":"abc","access_token" : "d\\"ef","password":"x","expires_in":300,"user":"bob"}';
    assert.equal(redactText(body), '{"token":"***","access_token" : "***","password":"***","expires_in":300,"user":"bob"}');
    assert.equal(redactText('{"auths":{"r":{"auth":"YWxpY2U6cHc="}}}'), '{"auths":{"r":{"auth":"***"}}}');
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_x';
    assert.equal(redactText(`the token ${jwt} expired`), 'the token *** expired');
  });

  it('masks secret-named fields at any depth and every string of a record', () => {
    const record = {
      url: 'https://u:pw1@h/?token=t1',
      headers: { Authorization: 'Bearer t2', 'Proxy-Authorization': 'Basic eDp5' },
      list: [{ password: 'pw2' }, 'Basic dTpwdzM='],
      deep: { a: { b: { secret: 'pw4', refresh_token: 'pw5' } } },
      count: 3,
      none: null,
    };
    const out = JSON.stringify(redactValue(record));
    for (const secret of ['pw1', 't1', 't2', 'eDp5', 'pw2', 'dTpwdzM=', 'pw4', 'pw5']) assert.ok(!out.includes(secret), `${secret} in ${out}`);
    assert.ok(out.includes('"count":3') && out.includes('"none":null'));
  });

  it('cuts records nested past its depth limit instead of recursing without bound', () => {
    let nested: Record<string, unknown> = { password: 'pw' };
    for (let i = 0; i < 10_000; i++) nested = { next: nested };
    assert.ok(JSON.stringify(redactValue(nested)).includes('[too deep]'));
  });
});

describe('redacted URLs stay readable', () => {
  it('keeps the rest of the query as sent, and still catches a percent-encoded secret name', () => {
    assert.equal(redactUrl('http://r/v2/a/blobs/uploads/u?_state=abc&digest=sha256:1f'), 'http://r/v2/a/blobs/uploads/u?_state=***&digest=sha256:1f');
    assert.ok(!redactUrl('http://r/x?%74oken=s3cret&n=1').includes('s3cret'));
  });
});
