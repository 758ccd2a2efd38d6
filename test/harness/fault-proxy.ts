// Proxies in front of a test registry that misbehave on purpose: a TCP proxy that cuts connections in the middle
// of an upload, and an HTTP proxy that answers chosen requests itself (429, 500) instead of passing them on.
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startTcpProxyServer } from './tcp-proxy-pairs.js';

export interface TcpCutProxy {
  readonly host: string;
  /**
   * Cuts every open connection once `bytes` more bytes have gone the proxy's direction (client to registry by
   * default); with `again`, then again after each further `bytes` (a source that never stays up).
   */
  cutAfter(bytes: number, again?: boolean): void;
  readonly cuts: number;
  close(): Promise<void>;
}

/** `direction`: count the bytes of uploads (client to registry) or of downloads (registry to client). */
export async function startTcpCutProxy(targetPort: number, direction: 'upload' | 'download' = 'upload'): Promise<TcpCutProxy> {
  let budget = Number.POSITIVE_INFINITY;
  let every = Number.POSITIVE_INFINITY;
  let cuts = 0;
  const proxy = await startTcpProxyServer(targetPort, (client, upstream) => {
    const forward = (from: Socket, to: Socket, counted: boolean): void => {
      from.on('data', (chunk: Buffer) => {
        if (counted) budget -= chunk.length;
        if (counted && budget <= 0) {
          budget = every;
          cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        if (!to.write(chunk)) from.pause();
      });
      to.on('drain', () => from.resume());
      from.on('end', () => to.end());
    };
    forward(client, upstream, direction === 'upload');
    forward(upstream, client, direction === 'download');
  });
  return {
    host: proxy.host,
    cutAfter(bytes, again = false) {
      budget = bytes;
      every = again ? bytes : Number.POSITIVE_INFINITY;
    },
    get cuts() {
      return cuts;
    },
    close: () => proxy.close(),
  };
}

/** Answers the request itself when the rule returns a response, else forwards it to the registry. */
export type FaultRule = (req: IncomingMessage, seen: number) => { status: number; headers?: Record<string, string>; body?: string | Buffer } | undefined;

export interface HttpFaultProxy {
  readonly host: string;
  readonly injected: string[];
  close(): Promise<void>;
}

export async function startHttpFaultProxy(targetPort: number, rule: FaultRule): Promise<HttpFaultProxy> {
  const injected: string[] = [];
  const counts = new Map<string, number>();
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]?.replace(/[0-9a-f-]{36}/, 'UUID')}`;
    const seen = (counts.get(key) ?? 0) + 1;
    counts.set(key, seen);
    const answer = rule(req, seen);
    if (answer) {
      injected.push(`${req.method} ${answer.status}`);
      req.resume();
      req.on('end', () => res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '{"errors":[{"code":"UNKNOWN","message":"injected fault"}]}'));
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface GateProxy {
  readonly host: string;
  /** Requests the rule matches wait from now on, until `open()`. */
  close(rule: (req: IncomingMessage) => boolean): void;
  open(): void;
  /** Requests waiting at the gate now. */
  readonly held: number;
  stop(): Promise<void>;
}

/** An HTTP proxy that can hold chosen requests back, so a test sees what the app shows before the registry answers. */
export async function startGateProxy(targetPort: number): Promise<GateProxy> {
  let rule: ((req: IncomingMessage) => boolean) | undefined;
  const waiting: (() => void)[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const forward = (): void => {
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (rule?.(req)) waiting.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close(next) {
      rule = next;
    },
    open() {
      rule = undefined;
      for (const forward of waiting.splice(0)) forward();
    },
    get held() {
      return waiting.length;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
