// `stevedore serve`: the renderer and the whole contract for a browser, on 127.0.0.1 only, behind a session token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventChannel, EventPayload } from '../../shared/contract.js';
import type { ClientMessage, ServerMessage } from '../../shared/wire.js';
import { ContractHost, type HostDeps } from '../host/contract-host.js';
import { TOKEN_COOKIE, checkRequest } from './guard.js';
import { serveStatic } from './static-files.js';
import { uploadArea } from './uploads.js';

export interface WebHostOptions extends Omit<HostDeps, 'emit'> {
  readonly staticDir: string;
  readonly port?: number;
  readonly token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly host: ContractHost;
  close(): Promise<void>;
}

const MAX_MESSAGE = 1024 * 1024;

function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const broadcast = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => {
    const message = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage);
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
  };
  const host = new ContractHost({ profiles: options.profiles, secrets: options.secrets, cacheDir: options.cacheDir, emit: broadcast });
  let port = options.port ?? 0;
  const uploads = await uploadArea();

  const server = createServer((req, res) => {
    const headers = securityHeaders(port);
    const verdict = checkRequest(req, port, token);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...headers, 'content-type': 'text/plain' }).end(`refused: ${verdict.reason ?? ''}\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/upload') {
      void uploads.receive(req, res, headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    if (verdict.fromQuery) {
      // Trade the token in the address bar for a cookie, and drop it from the URL.
      res.writeHead(303, { ...headers, location: url.pathname, 'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` }).end();
      return;
    }
    void serveStatic(options.staticDir, url.pathname, res, headers);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  let connections = 0;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(req, port, token);
    if (!verdict.ok || new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws') {
      socket.end(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} Refused\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // A socket's requests are its own: it cancels only them, and they are cancelled when it goes away.
      const scope = `socket-${++connections}`;
      ws.on('close', () => {
        sockets.delete(ws);
        host.cancelScope(scope);
      });
      ws.on('message', (data) => {
        let message: ClientMessage;
        try {
          message = JSON.parse(String(data)) as ClientMessage;
        } catch {
          return;
        }
        if (message?.type !== 'request' || typeof message.id !== 'number' || typeof message.channel !== 'string') return;
        const requestId = typeof message.requestId === 'string' ? message.requestId : undefined;
        void host.handle(message.channel, message.args, { scope, ...(requestId === undefined ? {} : { requestId }) }).then((result) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'response', id: message.id, result } satisfies ServerMessage));
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    host,
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await host.close();
      await uploads.close();
    },
  };
}
