// A registry front that hands out upload Locations on a second origin (another port), as registries behind a front
// end or object storage do. The second origin records the headers it receives and authorizes on its own (as a
// signed upload URL would), so a client that keeps its credentials to the registry's origin still pushes.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestRegistry } from './registry.js';

export interface SplitOrigin {
  /** The registry as the client names it (the front). */
  readonly host: string;
  /** `127.0.0.1:PORT` of the upload origin. */
  readonly uploadHost: string;
  /** Headers of every request the upload origin received. */
  readonly uploadSaw: IncomingHttpHeaders[];
  close(): Promise<void>;
}

type Rewrite = (status: number, headers: IncomingHttpHeaders) => IncomingHttpHeaders;

function forward(targetPort: number, req: IncomingMessage, res: ServerResponse, headers: IncomingHttpHeaders, rewrite: Rewrite): void {
  const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers }, (reply) => {
    res.writeHead(reply.statusCode ?? 502, rewrite(reply.statusCode ?? 502, reply.headers));
    reply.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** `authorizes: false`: the upload origin passes requests on as they come, so the registry challenges them. */
export async function startSplitOrigin(reg: TestRegistry, options: { authorizes?: boolean } = {}): Promise<SplitOrigin> {
  const registryPort = Number(reg.host.split(':')[1]);
  const uploadSaw: IncomingHttpHeaders[] = [];
  const upload = createServer((req, res) => {
    uploadSaw.push({ ...req.headers });
    const repository = /^\/v2\/(.+)\/blobs\/uploads\//.exec(req.url ?? '')?.[1] ?? '';
    const own = options.authorizes === false ? undefined : reg.adminAuthorization([`repository:${repository}:push,pull`]);
    const headers: IncomingHttpHeaders = { ...req.headers };
    delete headers.authorization;
    if (own) headers.authorization = own;
    forward(registryPort, req, res, headers, (_status, h) => h);
  });
  const uploadPort = await listen(upload);
  const uploadHost = `127.0.0.1:${uploadPort}`;
  const front = createServer((req, res) => {
    const startsUpload = req.method === 'POST' && /\/blobs\/uploads\/(?:\?|$)/.test(req.url ?? '');
    forward(registryPort, req, res, req.headers, (status, h) => {
      if (!startsUpload || status !== 202 || typeof h.location !== 'string') return h;
      const moved = new URL(h.location, `http://${req.headers.host ?? ''}`);
      return { ...h, location: `http://${uploadHost}${moved.pathname}${moved.search}` };
    });
  });
  const host = `127.0.0.1:${await listen(front)}`;
  return {
    host,
    uploadHost,
    uploadSaw,
    async close() {
      for (const server of [front, upload]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
