// `stevedore serve`: the renderer and the whole contract for a browser, on 127.0.0.1 only. The static app is open to
// our own Host/Origin; the socket and uploads also need the session token. One bad request never takes the host
// (and the pushes it runs) down: every request, socket and upload ends in an answer or a closed connection.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventChannel, EventPayload, PushJobView } from '../../shared/contract.js';
import { MAX_CLIENT_MESSAGE_BYTES, WS_PROTOCOL, type ServerMessage } from '../../shared/wire.js';
import type { ErrorCode } from '../../shared/errors.js';
import { StevedoreError } from '../core/errors.js';
import { logError } from '../core/log.js';
import type { ContractHost, HostDeps } from '../host/contract-host.js';
import { defaultExportDir } from '../host/data-dir.js';
import { downloadTickets } from './download-tickets.js';
import { serveExportDownload } from './export-download.js';
import { TOKEN_PATTERN, checkOrigin, checkPageToken, checkRequest } from './guard.js';
import { serveSocket } from './socket-session.js';
import { staticSite } from './static-files.js';
import { uploadArea, type Uploads } from './uploads.js';

export interface WebHostOptions extends Omit<HostDeps, 'emit'> {
  readonly staticDir: string;
  readonly port?: number;
  readonly token?: string;
  /** Largest upload accepted, in bytes (default DEFAULT_MAX_UPLOAD). */
  readonly maxUploadBytes?: number;
  /** Where the upload directory is made (default: the OS temporary directory). */
  readonly uploadRoot?: string;
  /** How long a connection may send and receive nothing before it is closed (default IDLE_TIMEOUT_MS). */
  readonly idleTimeoutMs?: number;
  /**
   * Called with the page's address as soon as the host listens, before the contract's modules (the registry client,
   * the schemas, the archive readers) have loaded: `stevedore serve` prints it then, so a browser opens the page
   * while the rest loads. The socket, exports and downloads wait for the contract; the page itself never does.
   */
  readonly onListening?: (url: string) => void;
}

/**
 * A connection silent this long (no byte either way) is closed: a client that opens a request and stalls (slowloris,
 * on the headers or the body) holds nothing for long. There is deliberately no deadline on a whole request: Node's
 * default (5 minutes, body included) cut a large upload off halfway with a 408.
 */
export const IDLE_TIMEOUT_MS = 60_000;
/** The headers of a request must arrive within this (Node's default, stated). */
const HEADERS_TIMEOUT_MS = 60_000;

export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly host: ContractHost;
  readonly uploads: Uploads;
  close(): Promise<void>;
}

type Headers = Readonly<Record<string, string>>;

/** What went wrong with one request or socket, for the log: the host itself carries on. */
function logFault(where: string, code: ErrorCode, error: unknown): void {
  logError(`web host ${where}`, { code, message: error instanceof Error ? error.message : String(error) });
}

function securityHeaders(port: number): Headers {
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

function refuse(res: ServerResponse, status: number, headers: Headers, reason: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'text/plain' }).end(`refused: ${reason}\n`);
}

/** /upload: POST stores a file, GET says the size limit, DELETE lets one go. All need the token. */
async function uploadRoute(req: IncomingMessage, res: ServerResponse, url: URL, uploads: Uploads, headers: Headers): Promise<void> {
  if (req.method === 'POST') return uploads.receive(req, res, headers);
  if (req.method === 'GET') {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ maxBytes: uploads.maxBytes }));
    return;
  }
  if (req.method === 'DELETE') {
    const released = await uploads.release(url.searchParams.get('path') ?? '');
    res.writeHead(released ? 204 : 404, headers).end();
    return;
  }
  res.writeHead(405, headers).end();
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (!TOKEN_PATTERN.test(token)) throw new StevedoreError('INVALID_ARGUMENT', 'the session token must be 16 to 200 characters of A-Z, a-z, 0-9, _ and -');
  const sockets = new Set<WebSocket>();
  // The contract host is loaded once the server listens (see onListening); until then no push runs, so no upload is
  // in use and none is being read.
  let host: ContractHost | undefined;
  // Opened while the server starts to listen: it first removes what crashed hosts left behind, which can be large, and
  // the address waits for none of it. An upload waits for it; startWebHost resolves once it is there.
  const opening = uploadArea({ inUse: (path) => host?.pushesUsing(path) ?? false, stopReading: (path) => host?.stopReading(path), ...(options.maxUploadBytes !== undefined ? { maxBytes: options.maxUploadBytes } : {}), ...(options.uploadRoot ? { root: options.uploadRoot } : {}) });
  opening.catch(() => undefined);
  const closeArea = (): Promise<void> => opening.then((area) => area.close(), () => undefined);
  const broadcast = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => {
    // A push that ends lets go of its upload (deleted if the page is done with it too).
    if (event === 'push:finished') void opening.then((area) => area.pushEnded((payload as PushJobView).archive)).catch(() => undefined);
    // An event that cannot be sent is lost for the pages, never thrown into the push that emitted it.
    try {
      const message = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage);
      for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
    } catch {
      // nothing to do: the next progress event or push:list brings the pages up to date
    }
  };
  const contract = deferred<ContractHost>();
  let port = options.port ?? 0;
  // Read while the server starts to listen: the browser asks for the page and its scripts at once.
  const site = staticSite(options.staticDir);

  const tickets = downloadTickets();
  /** /export: POST (with the token) trades the download's parameters for a one-time ticket; GET ?ticket= streams it. */
  const exportRoute = async (req: IncomingMessage, res: ServerResponse, url: URL, headers: Headers): Promise<void> => {
    if (req.method === 'POST') {
      const verdict = checkRequest(req, port, token);
      if (!verdict.ok) return refuse(res, verdict.status, headers, verdict.reason ?? '');
      // The download's job id, known before it starts, so the page can follow it in the transfers panel.
      const params = new URLSearchParams(url.searchParams);
      const jobId = randomUUID();
      params.set('jobId', jobId);
      res.writeHead(201, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ url: `/export?ticket=${tickets.issue(params)}`, jobId }));
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end();
      return;
    }
    const params = tickets.redeem(url.searchParams.get('ticket'));
    if (!params) return refuse(res, 401, headers, 'missing, used or expired download ticket');
    // A download may wait on the browser (a save dialog) as long as the user likes; the registry side has its own timeouts.
    req.socket.setTimeout(0);
    return serveExportDownload(req, res, headers, await contract.promise, params);
  };

  const route = async (req: IncomingMessage, res: ServerResponse, headers: Headers): Promise<void> => {
    const origin = checkOrigin(req, port);
    if (!origin.ok) return refuse(res, origin.status, headers, origin.reason ?? '');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/upload') {
      const verdict = checkRequest(req, port, token);
      if (!verdict.ok) return refuse(res, verdict.status, headers, verdict.reason ?? '');
      return uploadRoute(req, res, url, await opening, headers);
    }
    if (url.pathname === '/export') return exportRoute(req, res, url, headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const page = checkPageToken(url.searchParams, token);
    if (!page.ok) return refuse(res, page.status, headers, page.reason ?? '');
    return site.serve(req, url.pathname, res, headers);
  };

  const server = createServer((req, res) => {
    const headers = securityHeaders(port);
    // A reset connection must not become an unhandled 'error' event.
    req.on('error', () => req.destroy());
    res.on('error', () => res.destroy());
    const fail = (error: unknown): void => {
      logFault(`${req.method ?? ''} request`, 'INVALID_ARGUMENT', error);
      if (!res.headersSent && !res.destroyed) refuse(res, 400, headers, 'bad request');
      else res.destroy();
    };
    try {
      route(req, res, headers).catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.timeout = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  // Unparsable requests: a 400 when the socket can take it, else just close it.
  server.on('clientError', (error, socket: Duplex) => {
    logFault('unparsable request', 'INVALID_ARGUMENT', error);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    // The token protocol is never echoed back.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const verdict = checkRequest(req, port, token);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (!verdict.ok || path !== '/ws') {
        socket.end(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} Refused\r\nConnection: close\r\n\r\n`);
        return;
      }
      // Until the contract host is loaded the socket waits, unread (its first requests stay in its buffer).
      contract.promise.then(
        (ready) => wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, ready, sockets)),
        () => socket.destroy(),
      ).catch((error: unknown) => {
        logFault('upgrade', 'INVALID_ARGUMENT', error);
        socket.destroy();
      });
    } catch (error) {
      logFault('upgrade', 'INVALID_ARGUMENT', error);
      socket.destroy();
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (failure) {
    const error = listenError(failure, port);
    contract.reject(error);
    await closeArea();
    throw error;
  }
  port = (server.address() as AddressInfo).port;
  // Errors after listening (a failed accept) must not be thrown either.
  server.on('error', (error) => logFault('server', 'INTERNAL', error));
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  options.onListening?.(url);
  let area: Uploads;
  try {
    const { ContractHost } = await import('../host/contract-host.js');
    // Never without an export folder: over the web, export:start must not choose where on this machine a file goes.
    host = new ContractHost({ profiles: options.profiles, secrets: options.secrets, cacheDir: options.cacheDir, exportDir: options.exportDir ?? defaultExportDir(), emit: broadcast });
    contract.resolve(host);
    area = await opening;
  } catch (error) {
    contract.reject(error);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await host?.close().catch(() => undefined);
    await closeArea();
    throw error;
  }
  const ready = host;
  return {
    url,
    port,
    token,
    host: ready,
    uploads: area,
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ready.close();
      await area.close();
    },
  };
}

/** A promise with its settle functions (Promise.withResolvers, which Node 20 lacks); a rejection nobody awaits is not unhandled. */
function deferred<T>(): { readonly promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A port that cannot be had, in words (it was an INTERNAL "listen EADDRINUSE"); any other failure as it came. */
function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `cannot listen on 127.0.0.1:${port}`;
  if (code === 'EADDRINUSE') return new StevedoreError('CONFIG', `${where}: another program is using that port; choose another, or none for a free one`, {}, { cause: error });
  if (code === 'EACCES') return new StevedoreError('DENIED', `${where}: no permission to use that port; choose one above 1023, or none for a free one`, {}, { cause: error });
  return error;
}
