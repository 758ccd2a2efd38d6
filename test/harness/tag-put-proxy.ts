// A proxy in front of a test registry that hangs on one request, a tag's manifest PUT (the commit point of a push and
// of a copy), the ways a registry can: before storing it, after storing it (its answer never comes), or altogether
// (the tag's HEAD that follows hangs too). Everything else passes through.
//
// Held requests stay held until a generous safety timeout lets them go on, as a registry that was only slow would;
// `gaveUp` records that it did: a job still waiting for them then had not ended on its own. Whether a job ends before
// the registry lets the PUT go is thus a matter of order, not of a stopwatch. Once the job has ended, `release` lets
// them go on at once: a registry that received the whole PUT may still store it after the client left.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `before-storing`: the registry never sees the PUT; `after-storing`: it stores the tag, the answer is held; `silent`: the PUT and any later request for the tag are held. */
export type TagPutHang = 'before-storing' | 'after-storing' | 'silent';

export interface TagPutProxy {
  readonly host: string;
  /** Whether the safety timeout let the held requests go: the job was still waiting for them. */
  readonly gaveUp: boolean;
  /** Lets what is held go on to the registry now (a `before-storing` PUT is then stored), once each is done. */
  release(): Promise<void>;
  /** Drops what is still held (as a registry drops a request whose client left) and stops. */
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * `path`: the tag's manifest path (`/v2/<repository>/manifests/<tag>`). `atPut` is called once the PUT is in the
 * proxy's hands (for `after-storing`, once the registry has stored it): the test cancels the job there.
 */
export async function startTagPutProxy(targetPort: number, path: string, hang: TagPutHang, atPut: () => void, safetyMs = 15_000): Promise<TagPutProxy> {
  const held: (() => Promise<void> | void)[] = [];
  let gaveUp = false;
  let released = false;
  let putSeen = false;
  let timer: NodeJS.Timeout | undefined;
  const hold = (go: () => Promise<void> | void): void => {
    if (gaveUp || released) return void go();
    held.push(go);
    timer ??= setTimeout(() => {
      gaveUp = true;
      for (const next of held.splice(0)) void next();
    }, safetyMs);
  };
  const exchange = (req: IncomingMessage, body: Buffer): Promise<Answer | undefined> =>
    new Promise((resolve) => {
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (reply) => {
        const parts: Buffer[] = [];
        reply.on('data', (part: Buffer) => parts.push(part));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(parts) }));
        reply.on('error', () => resolve(undefined));
      });
      upstream.on('error', () => resolve(undefined));
      upstream.end(body);
    });
  const answer = (res: ServerResponse, reply: Answer | undefined): void => {
    if (res.destroyed) return;
    if (!reply) return void res.destroy();
    res.writeHead(reply.status, reply.headers).end(reply.body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    const parts: Buffer[] = [];
    const mine = req.url === path && (req.method === 'PUT' || (hang === 'silent' && putSeen));
    if (!mine) {
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    if (req.method === 'PUT') putSeen = true;
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.method === 'PUT' && hang === 'after-storing') {
        void exchange(req, body).then((reply) => {
          hold(() => answer(res, reply));
          atPut();
        });
        return;
      }
      hold(() => exchange(req, body).then((reply) => answer(res, reply)));
      if (req.method === 'PUT') atPut();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    get gaveUp() {
      return gaveUp;
    },
    async release() {
      released = true;
      clearTimeout(timer);
      await Promise.all(held.splice(0).map((go) => go()));
    },
    async close() {
      clearTimeout(timer);
      held.splice(0);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
