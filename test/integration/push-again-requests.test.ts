// What a push sends when the registry holds everything already, counted in the real registry's own access log: every
// blob is still checked (HEAD), the tag's digest is asked beside them, and a tag naming this manifest already is not
// written again; a tag naming anything else is. And a loopback registry remembered as plain HTTP is asked at once,
// without a probe of /v2/ first.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { SchemeMemory } from '../../electron/core/registry/scheme-memory.js';
import { docker25Archive, layerTar, testImage, writeTar } from '../harness/archives.js';
import { FAST_RETRY } from '../harness/clients.js';
import { newLayerCache, plannedActions, pushWithEngine } from '../harness/push.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoDigest } from '../harness/verify-push.js';

/** The request lines the registry logged (Apache combined format: `"HEAD /v2/x/manifests/1 HTTP/1.1" 200 ...`). */
async function logged(reg: TestRegistry): Promise<string[]> {
  return [...(await reg.logs()).matchAll(/"([A-Z]+ \/v2\/\S*) HTTP\/[\d.]+" (\d{3}) /g)].map((m) => `${m[1]} ${m[2]}`);
}

/** The log once it stops growing: a line is written just after its response, so it may trail the client a little. */
async function answered(reg: TestRegistry): Promise<string[]> {
  let last = await logged(reg);
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await logged(reg);
    if (now.length === last.length) return now;
    last = now;
  }
  return last;
}

describe('pushing again what the registry holds', () => {
  let reg: TestRegistry;
  let dir: string;
  let archive: string;
  let other: string;
  before(async () => {
    reg = await startRegistry('none', { accessLog: true });
    dir = await mkdtemp(join(tmpdir(), 'stevedore-pushagain-'));
    const base = await layerTar('base', 200_000);
    archive = join(dir, 'app.tar');
    await writeTar(archive, docker25Archive(testImage([base, await layerTar('app', 30_000, 'text')], { label: 'app' }), ['again/app:1'], false));
    other = join(dir, 'other.tar');
    await writeTar(other, docker25Archive(testImage([base, await layerTar('other', 20_000, 'text')], { label: 'other' }), ['again/app:1'], false));
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('checks every blob, and does not write a tag that names this manifest already', async () => {
    const layers = await newLayerCache(dir);
    const first = await pushWithEngine(reg, archive, 'again/app:1', { layers });
    const before = (await answered(reg)).length;
    const second = await pushWithEngine(reg, archive, 'again/app:1', { layers });
    const requests = (await answered(reg)).slice(before);
    assert.deepEqual(plannedActions(second.events), ['skip', 'skip', 'skip']);
    assert.equal(second.digest, first.digest);
    assert.equal(requests.filter((r) => /^HEAD \/v2\/again\/app\/blobs\/sha256:[0-9a-f]{64} 200$/.test(r)).length, 3, requests.join('\n'));
    assert.deepEqual(requests.filter((r) => r.includes('/manifests/')), ['HEAD /v2/again/app/manifests/1 200'], requests.join('\n'));
    assert.deepEqual(requests.filter((r) => !r.startsWith('HEAD ')), [], 'nothing written');
    assert.equal(await skopeoDigest(reg, 'again/app:1'), first.digest);
  });

  it('writes the tag when it names another manifest, though every blob is there', async () => {
    const layers = await newLayerCache(dir);
    const mine = await pushWithEngine(reg, archive, 'again/moved:1', { layers });
    const theirs = await pushWithEngine(reg, other, 'again/moved:1', { layers });
    assert.notEqual(theirs.digest, mine.digest);
    const before = (await answered(reg)).length;
    const again = await pushWithEngine(reg, archive, 'again/moved:1', { layers });
    const requests = (await answered(reg)).slice(before);
    assert.deepEqual(plannedActions(again.events), ['skip', 'skip', 'skip']);
    assert.ok(requests.includes('PUT /v2/again/moved/manifests/1 201'), requests.join('\n'));
    assert.equal(await skopeoDigest(reg, 'again/moved:1'), mine.digest);
  });
});

describe('a remembered plain HTTP registry', () => {
  it('is asked at once, with no probe of /v2/ first', async () => {
    const reg = await startRegistry('none', { accessLog: true });
    const cacheDir = await mkdtemp(join(tmpdir(), 'stevedore-schemes-asked-'));
    try {
      const schemes = new SchemeMemory(cacheDir);
      schemes.remember(reg.host, 'http');
      const before = (await answered(reg)).length;
      const client = new RegistryClient({ registry: reg.host, schemes, retry: FAST_RETRY });
      assert.equal(await client.headBlob('nothing/here', `sha256:${'0'.repeat(64)}`), undefined);
      assert.deepEqual(await client.listTags('nothing/here').catch(() => 'refused'), 'refused');
      await client.close();
      const requests = (await answered(reg)).slice(before);
      assert.deepEqual(
        requests.map((r) => r.replace(/ \d{3}$/, '')),
        [`HEAD /v2/nothing/here/blobs/sha256:${'0'.repeat(64)}`, 'GET /v2/nothing/here/tags/list?n=1000'],
      );
      assert.equal(schemes.plainHttp(reg.host), true);
    } finally {
      await reg.stop();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
