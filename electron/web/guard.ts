// Who may talk to the local web host: a request must name our own host (no DNS rebinding) and come from our own
// origin when a browser says where it comes from; what gives access (the socket, uploads) also needs the session
// token, presented in a header or as a WebSocket subprotocol. Never in a cookie: cookies for 127.0.0.1 go to every
// port, so any other local web server would receive it.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from '../../shared/wire.js';

export interface GuardVerdict {
  readonly ok: boolean;
  readonly status: number;
  readonly reason?: string;
}

const OK: GuardVerdict = { ok: true, status: 200 };

/** base64url, as randomBytes(...).toString('base64url') makes it: also a valid subprotocol and header value. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,200}$/;

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** Host and Origin only: enough for the static app, which holds no secret and no data. */
export function checkOrigin(req: IncomingMessage, port: number): GuardVerdict {
  const hosts = allowedHosts(port);
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) return { ok: false, status: 421, reason: 'foreign Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) return { ok: false, status: 403, reason: 'foreign Origin' };
  return OK;
}

/** The token a request presents: the header, or a `stevedore-token.<token>` subprotocol on a WebSocket upgrade. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const protocols = req.headers['sec-websocket-protocol'];
  for (const protocol of (typeof protocols === 'string' ? protocols : '').split(',')) {
    const value = protocol.trim();
    if (value.startsWith(TOKEN_PROTOCOL_PREFIX)) return value.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

/** Host, Origin and the session token: for everything that gives access. */
export function checkRequest(req: IncomingMessage, port: number, token: string): GuardVerdict {
  const origin = checkOrigin(req, port);
  if (!origin.ok) return origin;
  return sameToken(presentedToken(req), token) ? OK : { ok: false, status: 401, reason: 'missing or wrong session token' };
}

/** The page may be opened with `?token=`: a wrong one is refused at once, so the user is not left with a dead app. */
export function checkPageToken(search: URLSearchParams, token: string): GuardVerdict {
  const given = search.get('token');
  return given === null || sameToken(given, token) ? OK : { ok: false, status: 401, reason: 'wrong session token' };
}
