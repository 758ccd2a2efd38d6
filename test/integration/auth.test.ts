// Authentication against the real registry: Basic, the token flow and its variants, and every way it can fail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';
import { TEST_USERS } from '../harness/token-server.js';

const wrong = { kind: 'basic', username: 'alice', password: 'not-her-password' } as const;
const bob = { kind: 'basic', username: 'bob', password: TEST_USERS.bob!.password } as const;

describe('htpasswd Basic auth', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry('basic');
    await seedImage(reg, 'private/app', '1');
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });

  it('asks for credentials when none are given', async () => {
    const client = clientFor(reg, { credential: null });
    await assert.rejects(client.ping(), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED') && e.message.includes(reg.host));
    await assert.rejects(client.listTags('private/app'), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED'));
    await client.close();
  });

  it('says the password is wrong, without repeating it', async () => {
    const client = clientFor(reg, { credential: wrong });
    await assert.rejects(client.listTags('private/app'), (e: unknown) => isStevedoreError(e, 'AUTH_FAILED') && !JSON.stringify(e.toInfo()).includes(wrong.password));
    await client.close();
  });

  it('lets a second user with a correct password in', async () => {
    const client = clientFor(reg, { credential: bob });
    assert.deepEqual(await client.listTags('private/app'), ['1']);
    await client.close();
  });
});

describe('token auth', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry('token');
    await seedImage(reg, 'private/app', '1');
    await seedImage(reg, 'public/base', 'stable');
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });
  const tokenRequests = () => reg.tokenServer!.requests;

  it('fetches one token per scope set and reuses it', async () => {
    const client = clientFor(reg);
    const before = tokenRequests().length;
    await client.getManifest('private/app', '1');
    await client.getManifest('private/app', '1');
    await client.listTags('private/app');
    const made = tokenRequests().slice(before);
    assert.equal(made.length, 1);
    assert.deepEqual(made[0]?.scopes, ['repository:private/app:pull']);
    assert.equal(made[0]?.account, 'alice');
    await client.close();
  });

  it('reads public repositories anonymously', async () => {
    const client = clientFor(reg, { credential: null });
    assert.deepEqual(await client.listTags('public/base'), ['stable']);
    assert.equal(tokenRequests().at(-1)?.account, undefined);
    await client.close();
  });

  it('asks for credentials when anonymous access is not enough', async () => {
    const client = clientFor(reg, { credential: null });
    await assert.rejects(client.listTags('private/app'), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED'));
    await client.close();
  });

  it('reports a wrong password as AUTH_FAILED', async () => {
    const client = clientFor(reg, { credential: wrong });
    await assert.rejects(client.getManifest('private/app', '1'), (e: unknown) => isStevedoreError(e, 'AUTH_FAILED'));
    await client.close();
  });

  it('reports a denied scope as DENIED (pull-only user deleting, listing the catalog)', async () => {
    const client = clientFor(reg, { credential: bob });
    const { digest } = await client.headManifest('private/app', '1');
    await assert.rejects(client.deleteManifest('private/app', digest), (e: unknown) => isStevedoreError(e, 'DENIED'));
    await assert.rejects(client.listRepositories(), (e: unknown) => isStevedoreError(e, 'DENIED') && /catalog/.test(e.message));
    await client.close();
  });

  it('exchanges an identity token with the OAuth2 POST flow', async () => {
    const client = clientFor(reg, { credential: { kind: 'identity-token', token: TEST_USERS.alice!.refreshToken } });
    await client.getManifest('private/app', '1');
    const last = tokenRequests().at(-1);
    assert.equal(last?.method, 'POST');
    assert.equal(last?.grantType, 'refresh_token');
    assert.equal(last?.account, 'alice');
    await client.close();
  });

  it('falls back to GET when the token endpoint refuses POST', async () => {
    reg.tokenServer!.options.rejectPost = true;
    try {
      const client = clientFor(reg, { credential: { kind: 'identity-token', token: TEST_USERS.alice!.refreshToken } });
      assert.deepEqual(await client.listTags('public/base'), ['stable']);
      assert.equal(tokenRequests().at(-1)?.method, 'GET');
      await client.close();
    } finally {
      reg.tokenServer!.options.rejectPost = false;
    }
  });

  it('accepts the access_token spelling and short expiry', async () => {
    reg.tokenServer!.options.accessTokenOnly = true;
    reg.tokenServer!.options.expiresInS = 1;
    try {
      const client = clientFor(reg);
      const before = tokenRequests().length;
      await client.listTags('private/app');
      await new Promise((r) => setTimeout(r, 1_100));
      await client.listTags('private/app');
      assert.equal(tokenRequests().length - before, 2, 'an expired token is fetched again');
      await client.close();
    } finally {
      reg.tokenServer!.options.accessTokenOnly = false;
      reg.tokenServer!.options.expiresInS = 300;
    }
  });

  it('uses a catalog scope for the catalog', async () => {
    const client = clientFor(reg);
    assert.deepEqual(await client.listRepositories(), ['private/app', 'public/base']);
    assert.deepEqual(tokenRequests().at(-1)?.scopes, ['registry:catalog:*']);
    await client.close();
  });
});
