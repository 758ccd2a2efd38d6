// The renderer is served from `app://stevedore/`, a custom protocol, not `file://`: the CSP travels as a real response
// header (a header added in onHeadersReceived does not apply to file loads), and the IPC trust check can pin one
// origin instead of trusting any local file. Pure apart from reading the file, so it is unit-tested.
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'stevedore';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface AppResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

/** Whether a frame URL is our own renderer: the IPC binding trusts nothing else. */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Answers one request for `app://stevedore/...` from the built renderer directory, never outside it. */
export async function serveAppRequest(rendererDir: string, url: string, method = 'GET'): Promise<AppResponse> {
  const refuse = (status: number, text: string): AppResponse => ({ status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: text });
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'method not allowed');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'bad URL');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return refuse(404, 'not found');
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return refuse(400, 'bad URL');
  }
  if (pathname.includes('\0')) return refuse(400, 'bad URL');
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = await realpath(rendererDir);
  let file: string;
  try {
    file = await realpath(join(root, relative));
  } catch {
    return refuse(404, 'not found');
  }
  if (file !== root && !file.startsWith(root + sep)) return refuse(404, 'not found');
  const type = CONTENT_TYPES[extname(file).toLowerCase()];
  if (type === undefined) return refuse(404, 'not found');
  try {
    const body = await readFile(file);
    return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': type }, body: method === 'HEAD' ? '' : body };
  } catch {
    return refuse(404, 'not found');
  }
}

/** The IPC trust check: our window's web contents, showing our own renderer (not a file:// page, not a web page). */
export function isFromAppWindow(event: { readonly sender: { readonly id: number }; readonly senderFrame: { readonly url: string } | null }, windowId: number | undefined): boolean {
  return windowId !== undefined && event.sender.id === windowId && isAppUrl(event.senderFrame?.url);
}
