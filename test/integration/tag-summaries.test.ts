// Tag summaries for the tag list, through the contract against the real registry: every number checked against the
// registry's own data computed here; a tag that moved is read again; a cancelled request stops the engine's work.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TagSummaries } from '../../shared/contract.js';
import type { RegistryView } from '../../shared/registry-profile.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { runCli } from '../harness/cli.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, seedIndex, type Blob } from '../harness/seed.js';

interface Expected {
  readonly digest: string;
  readonly totalSize: number;
  readonly created: string;
  readonly platforms: readonly string[];
}

const TAGS = 40;

describe('tag summaries through the contract', () => {
  let reg: TestRegistry;
  let dir: string;
  let host: ContractHost;
  let registryId: string;
  const expected = new Map<string, Expected>();

  const distinct = (blobs: readonly Blob[]): number => [...new Map(blobs.map((b) => [b.digest, b.size])).values()].reduce((a, b) => a + b, 0);

  before(async () => {
    reg = await startRegistry('none');
    dir = await mkdtemp(join(tmpdir(), 'stevedore-summaries-'));
    const base = randomLayer(3000);
    for (let i = 0; i < TAGS; i++) {
      const created = new Date(Date.UTC(2026, 0, 1 + ((i * 7) % TAGS))).toISOString().replace('.000', '');
      const layers = [base, randomLayer(200 + ((i * 37) % 50) * 100)];
      const image = await seedImage(reg, 'app', `1.${i}`, { layers, created });
      expected.set(`1.${i}`, { digest: image.digest, totalSize: image.config.size + distinct(layers), created, platforms: ['linux/amd64'] });
    }
    const shared = randomLayer(4000);
    const index = await seedIndex(reg, 'app', 'multi', [
      { architecture: 'amd64', layers: [shared], created: '2026-05-01T00:00:00Z' },
      { architecture: 'arm64', variant: 'v8', layers: [shared, randomLayer(500)], created: '2026-05-02T00:00:00Z' },
    ]);
    const blobs = index.images.flatMap((img) => [img.config, ...img.layers]);
    expected.set('multi', { digest: index.digest, totalSize: distinct(blobs), created: '2026-05-02T00:00:00Z', platforms: ['linux/amd64', 'linux/arm64/v8'] });
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    const saved = await host.handle('registries:save', { profile: { name: 'local', url: reg.host, credentialSource: 'none' } });
    assert.ok(saved.ok);
    registryId = (saved.value as RegistryView).id;
  });
  after(async () => {
    await host?.close();
    await closeSeeders(reg);
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function summaries(tags: readonly string[]): Promise<TagSummaries> {
    const result = await host.handle('tags:summaries', { registryId, repository: 'app', tags });
    if (!result.ok) assert.fail(`${result.error.code}: ${result.error.message}`);
    return result.value as TagSummaries;
  }

  function check(batch: TagSummaries): void {
    for (const row of batch.items) {
      const want = expected.get(row.tag);
      if (!want) continue;
      assert.ok('info' in row, `${row.tag}: ${'error' in row ? row.error.message : ''}`);
      const platforms = row.info.platforms.map((p) => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/'));
      assert.deepEqual({ digest: row.info.digest, totalSize: row.info.totalSize, created: row.info.created, platforms }, want, row.tag);
    }
  }

  it('gives every tag its digest, size, created date and platforms, as the registry stores them', async () => {
    const tags = [...expected.keys(), 'no-such-tag'];
    const batch = await summaries(tags);
    assert.deepEqual(batch.items.map((r) => r.tag), tags);
    check(batch);
    const missing = batch.items.find((r) => r.tag === 'no-such-tag');
    assert.equal(missing && 'error' in missing ? missing.error.code : undefined, 'NOT_FOUND');
    assert.equal(batch.deletable, true);
    // No layers, no configs, no raw manifests: a row stays small.
    assert.ok(!JSON.stringify(batch).includes('"layers"'));
    assert.ok(!JSON.stringify(batch).includes('rawManifest'));
  });

  it('reads a tag again when it moved, though its old summary is held', async () => {
    await summaries(['1.3']);
    const layers = [randomLayer(9000)];
    const moved = await seedImage(reg, 'app', '1.3', { layers, created: '2026-09-09T09:09:09Z' });
    expected.set('1.3', { digest: moved.digest, totalSize: moved.config.size + distinct(layers), created: '2026-09-09T09:09:09Z', platforms: ['linux/amd64'] });
    check(await summaries(['1.3', '1.4']));
  });

  it('refuses batches that are too big or hold a reference that is not a tag', async () => {
    const big = await host.handle('tags:summaries', { registryId, repository: 'app', tags: Array.from({ length: 201 }, (_, i) => `t${i}`) });
    assert.equal(big.ok ? undefined : big.error.code, 'INVALID_ARGUMENT');
    const bad = await host.handle('tags:summaries', { registryId, repository: 'app', tags: ['a:b'] });
    assert.equal(bad.ok ? undefined : bad.error.code, 'INVALID_ARGUMENT');
  });

  it('tags --long prints no MaxListenersExceededWarning: one abort listener per shared signal', async () => {
    const result = await runCli(['tags', `${reg.host}/app`, '--long', '--jobs', '16'], { ...process.env, STEVEDORE_CACHE_DIR: join(dir, 'cli-cache'), DOCKER_CONFIG: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /MaxListeners/);
    assert.equal(result.stderr, '');
  });
});

describe('cancelling a contract request', () => {
  let dir: string;
  let host: ContractHost;
  let registryId: string;
  let server: ReturnType<typeof createServer>;
  const held: IncomingMessage[] = [];
  const closed: Promise<void>[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-cancel-'));
    // A registry that answers /v2/ and then never answers a manifest request.
    server = createServer((req, res) => {
      if (req.url === '/v2/') {
        res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
        return;
      }
      held.push(req);
      closed.push(new Promise((resolve) => res.once('close', () => resolve())));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await writeFile(join(dir, 'registries.json'), JSON.stringify({ version: 1, profiles: [] }));
    host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    const saved = await host.handle('registries:save', { profile: { name: 'stall', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentialSource: 'none' } });
    assert.ok(saved.ok);
    registryId = (saved.value as RegistryView).id;
  });
  after(async () => {
    await host?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(condition(), 'timed out');
  }

  it('answers CANCELLED at once, aborts the requests to the registry, and forgets the request', async () => {
    const pending = host.handle('tags:summaries', { registryId, repository: 'app', tags: ['a', 'b', 'c'] }, undefined, { scope: 'window-1', requestId: 'r1' });
    await until(() => held.length === 3);
    // Another caller cannot cancel it.
    assert.deepEqual(await host.handle('request:cancel', { requestId: 'r1' }, undefined, { scope: 'window-2' }), { ok: true, value: { cancelled: false } });
    assert.deepEqual(await host.handle('request:cancel', { requestId: 'r1' }, undefined, { scope: 'window-1' }), { ok: true, value: { cancelled: true } });
    const result = await pending;
    assert.equal(result.ok ? undefined : result.error.code, 'CANCELLED');
    // The engine's HTTP requests were aborted: the registry saw every connection close.
    await Promise.all(closed);
    assert.equal(host.pendingRequests, 0);
  });

  it('cancels everything a caller has in flight when it goes away', async () => {
    const before = held.length;
    // The caller's own signal: a socket or window that goes away aborts it.
    const caller = new AbortController();
    const pending = host.handle('tags:list', { registryId, repository: 'app' }, caller.signal, { scope: 'socket-7' });
    await until(() => held.length === before + 1);
    caller.abort();
    const result = await pending;
    assert.equal(result.ok ? undefined : result.error.code, 'CANCELLED');
    await Promise.all(closed);
    assert.equal(host.pendingRequests, 0);
  });
});
