// A stored secret belongs to the registry it was saved for. The page never sees it, so editing a profile's address
// must not carry it to another origin: a save that moves a profile elsewhere without a new secret is refused, and
// the other server never receives the old password; renaming the profile in place keeps it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import type { SecretStore } from '../../electron/host/secret-store.js';

/** A server that asks for Basic auth and records every Authorization it is sent. */
async function recorder(): Promise<{ server: Server; host: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization) seen.push(Buffer.from(req.headers.authorization.replace(/^Basic /, ''), 'base64').toString());
    res.writeHead(401, { 'www-authenticate': 'Basic realm="recorder"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function memorySecrets(): SecretStore {
  const kept = new Map<string, string>();
  return { available: true, has: (id) => kept.has(id), get: (id) => kept.get(id), set: (id, secret) => void kept.set(id, secret), delete: (id) => void kept.delete(id) };
}

describe('stored secrets stay with their registry', () => {
  let work: string;
  let host: ContractHost;
  let first: Awaited<ReturnType<typeof recorder>>;
  let other: Awaited<ReturnType<typeof recorder>>;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-profile-secrets-'));
    [first, other] = await Promise.all([recorder(), recorder()]);
    host = new ContractHost({ profiles: new ProfileStore(join(work, 'registries.json')), secrets: memorySecrets(), cacheDir: join(work, 'cache'), emit: () => undefined });
  });
  after(async () => {
    await host?.close();
    for (const r of [first, other]) r?.server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('refuses to move a profile with a stored password to another registry without a new one', async () => {
    const saved = await host.handle('registries:save', { profile: { name: 'mine', url: first.host, credentialSource: 'stored', username: 'u' }, secret: 'first-password' });
    assert.ok(saved.ok, JSON.stringify(saved));
    const id = saved.ok ? (saved.value as { id: string }).id : '';
    await host.handle('registries:test', { id });
    assert.ok(first.seen.includes('u:first-password'), 'the registry it was saved for gets it');

    const moved = await host.handle('registries:save', { profile: { id, name: 'mine', url: `http://${other.host}`, credentialSource: 'stored', username: 'u' } });
    assert.equal(moved.ok ? 'saved' : moved.error.code, 'INVALID_ARGUMENT');
    assert.match(moved.ok ? '' : moved.error.message, /enter the password again: the stored one is for 127\.0\.0\.1:\d+ only/);
    await host.handle('registries:test', { id });
    assert.deepEqual(other.seen, [], 'another registry received the stored password');

    // With a new password the move is fine, and only the new one goes there.
    const withNew = await host.handle('registries:save', { profile: { id, name: 'mine', url: `http://${other.host}`, credentialSource: 'stored', username: 'u' }, secret: 'other-password' });
    assert.ok(withNew.ok, JSON.stringify(withNew));
    await host.handle('registries:test', { id });
    assert.deepEqual([...new Set(other.seen)], ['u:other-password']);
  });

  it('keeps the stored password when the profile stays on its registry', async () => {
    const saved = await host.handle('registries:save', { profile: { name: 'kept', url: first.host, credentialSource: 'stored', username: 'k' }, secret: 'kept-password' });
    const id = saved.ok ? (saved.value as { id: string }).id : '';
    const renamed = await host.handle('registries:save', { profile: { id, name: 'renamed', url: `${first.host.toUpperCase()}/`, credentialSource: 'stored', username: 'k' } });
    assert.ok(renamed.ok, JSON.stringify(renamed));
    assert.equal(renamed.ok && (renamed.value as { hasSecret: boolean }).hasSecret, true);
    first.seen.length = 0;
    await host.handle('registries:test', { id });
    assert.ok(first.seen.includes('k:kept-password'));
  });
});
