// The web host announces its address as soon as it listens, before the contract's modules have loaded, so a browser
// loads the page while the rest of the host loads: the page is served then, and a socket opened then is answered.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../shared/contract.js';
import type { RegistryView } from '../../shared/registry-profile.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost } from '../../electron/web/server.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { contractClient, httpCall, type HttpAnswer } from '../harness/web-client.js';

describe('web host start', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-web-early-'));
    await mkdir(join(work, 'data'));
    const profile = { id: 'early', name: 'Early', url: '127.0.0.1:9', credentialSource: 'none', insecure: true, concurrency: 4, bookmarks: [] };
    await writeFile(join(work, 'data', 'registries.json'), JSON.stringify({ version: 1, profiles: [profile] }));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('tells its address before it has finished starting; the page and a socket opened then are both answered', async () => {
    let started = false;
    const announced: string[] = [];
    let page: Promise<HttpAnswer> | undefined;
    let list: Promise<Result<readonly RegistryView[]>> | undefined;
    let client: ReturnType<typeof contractClient> | undefined;
    const starting = startWebHost({
      staticDir: RENDERER_DIR,
      profiles: new ProfileStore(join(work, 'data', 'registries.json')),
      secrets: noSecretStore,
      cacheDir: join(work, 'cache'),
      onListening: (url) => {
        announced.push(url);
        assert.equal(started, false, 'the address comes before startWebHost resolves');
        const { port, searchParams } = new URL(url);
        page = httpCall(Number(port), '/');
        client = contractClient(Number(port), searchParams.get('token') ?? '');
        list = client.api.registriesList({});
      },
    });
    const web = await starting;
    started = true;
    try {
      assert.deepEqual(announced, [web.url]);
      const answer = await page;
      assert.equal(answer?.status, 200);
      assert.match(answer?.body ?? '', /<div id="root">/);
      const listed = await list;
      assert.deepEqual(listed?.ok ? listed.value.map((r) => r.name) : listed, ['Early']);
    } finally {
      client?.close();
      await web.close();
    }
  });
});
