// An image summary against a lying registry: whatever an index names, one summary reads each child and config once
// and a stated amount in all, so a single click (the UI's image view, `stevedore inspect`) can neither exhaust the
// host's memory nor run on for minutes. Through the web host the answer is TOO_LARGE and the host carries on.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MediaType } from '../../shared/media-types.js';
import { RENDERER_DIR } from '../../electron/web/start.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { imageSummary } from '../../electron/core/image/summary.js';
import { MAX_INDEX_MANIFESTS, MAX_SUMMARY_BYTES } from '../../electron/core/image/summary-reads.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { startWebHost } from '../../electron/web/server.js';
import { FAST_RETRY } from '../harness/clients.js';
import { sha256 } from '../harness/seed.js';
import { contractClient } from '../harness/web-client.js';

interface Stored {
  readonly digest: string;
  readonly bytes: Buffer;
  readonly mediaType: string;
}

function stored(value: unknown, mediaType: string): Stored {
  const bytes = Buffer.from(JSON.stringify(value));
  return { digest: sha256(bytes), bytes, mediaType };
}

/** A config of about `size` bytes; `salt` makes each one a different blob. */
const bigConfig = (size: number, salt: number): Stored =>
  stored({ architecture: 'amd64', os: 'linux', config: { Labels: { salt: String(salt), filler: 'f'.repeat(size) } }, rootfs: { type: 'layers', diff_ids: [] } }, MediaType.ociConfig);

const imageManifest = (config: Stored): Stored =>
  stored({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.bytes.length }, layers: [] }, MediaType.ociManifest);

const index = (children: readonly Stored[]): Stored =>
  stored({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.bytes.length, platform: { os: 'linux', architecture: 'amd64' } })) }, MediaType.ociIndex);

describe('image summaries of a lying index', () => {
  let server: Server;
  let host = '';
  const tags = new Map<string, Stored>();
  const content = new Map<string, Stored>();
  /** GETs per path, to see what was read. */
  const reads = new Map<string, number>();
  let child: Stored;
  let childConfig: Stored;

  const keep = (item: Stored): Stored => {
    content.set(item.digest, item);
    return item;
  };

  before(async () => {
    // One child named 5,000 times: each of its 5,000 entries used to be fetched, with its config, and kept.
    childConfig = keep(bigConfig(1_000_000, 0));
    child = keep(imageManifest(childConfig));
    tags.set('repeated', index(Array.from({ length: 5_000 }, () => child)));
    // Distinct children whose configs add up past the budget (each under the 8 MB config cap).
    const heavy = Array.from({ length: Math.ceil(MAX_SUMMARY_BYTES / 6_000_000) + 2 }, (_, i) => keep(imageManifest(keep(bigConfig(6_000_000, i + 1)))));
    tags.set('heavy', index(heavy));
    // More distinct children than any image has: refused before one is fetched (they do not even exist).
    tags.set('wide', index(Array.from({ length: MAX_INDEX_MANIFESTS + 1 }, (_, i) => stored({ i }, MediaType.ociManifest))));

    server = createServer((req, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      reads.set(path, (reads.get(path) ?? 0) + 1);
      const match = /^\/v2\/lying\/(manifests|blobs)\/(.+)$/.exec(path);
      const item = path === '/v2/' ? undefined : match ? (tags.get(match[2] ?? '') ?? content.get(match[2] ?? '')) : undefined;
      if (path === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (!item) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
      res.writeHead(200, { 'content-type': item.mediaType, 'content-length': item.bytes.length, 'docker-content-digest': item.digest }).end(req.method === 'HEAD' ? undefined : item.bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (): RegistryClient => new RegistryClient({ registry: host, retry: FAST_RETRY });

  it('reads a child named thousands of times once, as one platform', async () => {
    const c = client();
    try {
      const summary = await imageSummary(c, { registry: host, repository: 'lying', tag: 'repeated' });
      assert.equal(summary.platforms.length, 1);
      assert.equal(summary.platforms[0]?.digest, child.digest);
      assert.equal(reads.get(`/v2/lying/manifests/${child.digest}`), 1);
      assert.equal(reads.get(`/v2/lying/blobs/${childConfig.digest}`), 1);
    } finally {
      await c.close();
    }
  });

  it('refuses an index whose manifests and configs add up past the budget, with TOO_LARGE', async () => {
    const c = client();
    try {
      await assert.rejects(imageSummary(c, { registry: host, repository: 'lying', tag: 'heavy' }), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && /lying:heavy: its manifests and configs add up to more than 67\.1 MB/.test((e as Error).message));
    } finally {
      await c.close();
    }
  });

  it('refuses an index of more manifests than any image has, before reading one', async () => {
    const c = client();
    const before = [...reads.keys()].length;
    try {
      await assert.rejects(imageSummary(c, { registry: host, repository: 'lying', tag: 'wide' }), (e: unknown) => isStevedoreError(e, 'TOO_LARGE') && /lists 1,001 manifests; Stevedore reads at most 1,000/.test((e as Error).message));
      assert.equal([...reads.keys()].length, before + 1, 'only the index itself was read');
    } finally {
      await c.close();
    }
  });

  it('answers the web host image view with TOO_LARGE, and the host carries on', async () => {
    const work = await mkdtemp(join(tmpdir(), 'stevedore-summary-bounds-'));
    const web = await startWebHost({ staticDir: RENDERER_DIR, profiles: new ProfileStore(join(work, 'registries.json')), secrets: noSecretStore, cacheDir: join(work, 'cache'), uploadRoot: work });
    const page = contractClient(web.port, web.token);
    try {
      const saved = await page.api.registriesSave({ profile: { name: 'lying', url: host, credentialSource: 'none' } });
      assert.ok(saved.ok, JSON.stringify(saved));
      const registryId = saved.ok ? saved.value.id : '';
      const heavy = await page.api.imageSummary({ registryId, repository: 'lying', reference: 'heavy' });
      assert.equal(heavy.ok ? 'summarized' : heavy.error.code, 'TOO_LARGE');
      const repeated = await page.api.imageSummary({ registryId, repository: 'lying', reference: 'repeated' });
      assert.equal(repeated.ok && repeated.value.platforms.length, 1);
    } finally {
      page.close();
      await web.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
