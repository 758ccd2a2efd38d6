// A source registry whose blob GETs redirect to another origin (object storage, a CDN), and that origin answers 401
// with a Bearer challenge naming a token realm of its own. The registry's credentials must reach neither that origin
// nor its realm: the challenge belongs to the origin that sent it, which is asked anonymously.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { StevedoreError } from '../../electron/core/errors.js';
import { assertNoTag } from '../harness/assertions.js';
import { copyWithEngine } from '../harness/copy.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../harness/fault-proxy.js';
import { startRegistry, type RegistryMode, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

const STORAGE_TOKEN = 'storage-anonymous-token';

interface Storage {
  readonly host: string;
  /** `METHOD path authorization` of every request it received. */
  readonly saw: { readonly path: string; readonly authorization: string | undefined }[];
  close(): Promise<void>;
}

/** The redirect target: refuses every blob with its own Bearer challenge, and hands anyone an anonymous token. */
async function startStorage(): Promise<Storage> {
  const saw: Storage['saw'] = [];
  let host = '';
  const server: Server = createServer((req: IncomingMessage, res) => {
    saw.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if ((req.url ?? '').startsWith('/token')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: STORAGE_TOKEN, expires_in: 300 }));
      return;
    }
    res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="storage"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"storage says no"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    saw,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

for (const mode of ['basic', 'token'] as const satisfies readonly RegistryMode[]) {
  describe(`blob redirect to an origin with its own challenge (${mode} auth)`, () => {
    let reg: TestRegistry;
    let storage: Storage;
    let front: HttpFaultProxy;

    before(async () => {
      reg = await startRegistry(mode);
      await seedImage(reg, 'redirect/app', '1');
      storage = await startStorage();
      // The source registry as the client sees it: every blob GET is sent to the storage origin.
      front = await startHttpFaultProxy(Number(reg.host.split(':')[1]), (req) => {
        const blob = /^\/v2\/.+\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
        return req.method === 'GET' && blob ? { status: 307, headers: { location: `http://${storage.host}/store/${blob[1]}` }, body: '' } : undefined;
      });
    });
    after(async () => {
      await front.close();
      await storage.close();
      await closeSeeders(reg);
      await reg.stop();
    });

    it('copies nothing, tags nothing, and sends the source credentials neither to the storage origin nor to its realm', { timeout: 60_000 }, async () => {
      await assert.rejects(copyWithEngine({ reg, via: front.host }, 'redirect/app:1', { reg }, 'redirect/mirror:1'), (e: unknown) => e instanceof StevedoreError);
      assert.ok(storage.saw.some((r) => r.path.startsWith('/store/')), 'the blob GETs reached the storage origin');
      const credentialed = storage.saw.filter((r) => r.authorization !== undefined && r.authorization !== `Bearer ${STORAGE_TOKEN}`);
      assert.deepEqual(credentialed, [], 'no request to the storage origin or its token realm carried the registry credentials');
      await assertNoTag(reg, 'redirect/mirror', '1');
    });
  });
}
