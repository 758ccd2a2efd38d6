import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authenticator } from '../../electron/core/auth/authenticator.js';
import { parseChallenges } from '../../electron/core/auth/challenge.js';
import { anonymous, staticCredentials } from '../../electron/core/auth/credentials.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { Transport } from '../../electron/core/http/transport.js';

const REALM = 'Bearer realm="http://127.0.0.1:1/token",service="reg"';
const pull = ['repository:a:pull'];

function authenticator(withCredential: boolean): Authenticator {
  const credentials = withCredential ? staticCredentials({ reg: { kind: 'basic', username: 'u', password: 'p' } }) : anonymous;
  return new Authenticator('reg', new Transport(), credentials);
}

describe('Authenticator.onUnauthorized', () => {
  it('learns the scheme from the first 401 and retries with the same scopes', async () => {
    const auth = authenticator(true);
    assert.equal(auth.scheme, 'none');
    assert.deepEqual(await auth.onUnauthorized(parseChallenges([REALM]), pull, false, true), pull);
    assert.equal(auth.scheme, 'bearer');
  });

  it('adds the scope an insufficient_scope challenge names', async () => {
    const auth = authenticator(true);
    await auth.onUnauthorized(parseChallenges([REALM]), pull, false, true);
    const next = await auth.onUnauthorized(parseChallenges([`${REALM},error="insufficient_scope",scope="repository:a:push repository:a:pull"`]), pull, true, false);
    assert.deepEqual(next, ['repository:a:pull', 'repository:a:push']);
  });

  it('says DENIED when the scope was asked for and still refused, AUTH_REQUIRED when anonymous', async () => {
    const auth = authenticator(true);
    await auth.onUnauthorized(parseChallenges([REALM]), pull, false, true);
    await assert.rejects(auth.onUnauthorized(parseChallenges([`${REALM},error="insufficient_scope",scope="repository:a:pull"`]), pull, true, false), (e: unknown) => isStevedoreError(e, 'DENIED'));
    const anon = authenticator(false);
    await anon.onUnauthorized(parseChallenges([REALM]), pull, false, true);
    await assert.rejects(anon.onUnauthorized(parseChallenges([`${REALM},error="insufficient_scope",scope="repository:a:pull"`]), pull, true, false), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED'));
  });

  it('gives a refused token one fresh try, then AUTH_FAILED', async () => {
    const auth = authenticator(true);
    await auth.onUnauthorized(parseChallenges([REALM]), pull, false, true);
    assert.deepEqual(await auth.onUnauthorized(parseChallenges([`${REALM},error="invalid_token"`]), pull, true, true), pull);
    await assert.rejects(auth.onUnauthorized(parseChallenges([`${REALM},error="invalid_token"`]), pull, true, false), (e: unknown) => isStevedoreError(e, 'AUTH_FAILED'));
  });

  it('asks for credentials on a Basic challenge without them, and on a 401 without any challenge', async () => {
    await assert.rejects(authenticator(false).onUnauthorized(parseChallenges(['Basic realm="r"']), pull, false, true), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED'));
    await assert.rejects(authenticator(true).onUnauthorized([], pull, false, true), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED') && /without a Basic or Bearer challenge/.test(e.message));
  });
});

describe('Authenticator before the first answer', () => {
  const settled = async <T>(promises: readonly Promise<T>[]): Promise<number> => {
    let count = 0;
    for (const p of promises) void p.then(() => count++, () => count++);
    await new Promise((resolve) => setImmediate(resolve));
    return count;
  };

  it('lets one request ask and the others wait for its challenge, then sends them Basic at once', async () => {
    const auth = authenticator(true);
    const first = auth.authorize(pull);
    const waiting = [auth.authorize(pull), auth.authorize(['repository:b:pull']), auth.authorize(pull)];
    assert.equal(await first, undefined, 'the first goes ahead without credentials');
    assert.equal(await settled(waiting), 0, 'the others wait for its answer');
    await auth.onUnauthorized(parseChallenges(['Basic realm="r"']), pull, false, true);
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    assert.deepEqual(await Promise.all(waiting), [basic, basic, basic]);
    assert.equal(await auth.authorize(pull), basic, 'and every later request');
  });

  it('does not hold requests without a credential, nor past the wait when the first request hangs', async () => {
    const anonymous = authenticator(false);
    assert.deepEqual(await Promise.all([anonymous.authorize(pull), anonymous.authorize(pull)]), [undefined, undefined]);
    const auth = authenticator(true);
    assert.equal(await auth.authorize(pull), undefined, 'the first asks, and never hears back');
    assert.equal(await auth.authorize(pull), undefined, 'the next goes ahead on its own after the wait');
  });

  it('lets a waiting request go ahead when the first failed without an answer, and stops waiting on abort', async () => {
    const auth = authenticator(true);
    assert.equal(await auth.authorize(pull), undefined);
    const controller = new AbortController();
    const cancelled = auth.authorize(pull, controller.signal);
    const next = auth.authorize(pull);
    controller.abort(new Error('stop'));
    await assert.rejects(cancelled, /stop/);
    auth.unanswered();
    assert.equal(await next, undefined, 'the next one asks in its place');
    auth.answered();
    assert.equal(await auth.authorize(pull), undefined, 'a registry that answered without a challenge is not waited for');
  });
});
