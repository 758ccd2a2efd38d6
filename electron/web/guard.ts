// Who may talk to the local web host: a request must name our own host (no DNS rebinding), come from our own origin
// when a browser says where it comes from, and carry the session token (query, cookie or header).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'stevedore_token';

export interface GuardVerdict {
  readonly ok: boolean;
  readonly status: number;
  readonly reason?: string;
  /** The token came in the query string: set the cookie so later requests (assets, the socket) carry it. */
  readonly fromQuery?: boolean;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function checkRequest(req: IncomingMessage, port: number, token: string): GuardVerdict {
  const hosts = allowedHosts(port);
  if (!hosts.has((req.headers.host ?? '').toLowerCase())) return { ok: false, status: 421, reason: 'foreign Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, '').toLowerCase())) return { ok: false, status: 403, reason: 'foreign Origin' };
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token') ?? undefined;
  if (sameToken(query, token)) return { ok: true, status: 200, fromQuery: true };
  const header = req.headers['x-stevedore-token'];
  if (sameToken(cookie(req, TOKEN_COOKIE), token) || sameToken(typeof header === 'string' ? header : undefined, token)) return { ok: true, status: 200 };
  return { ok: false, status: 401, reason: 'missing or wrong session token' };
}
