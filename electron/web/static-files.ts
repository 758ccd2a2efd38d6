// Serves the built renderer from memory: its files are read once, as the host starts (while it begins to listen), and
// never again. Nothing is read by path at request time, so a file swapped or added under the directory later, or a
// symlink in it, is never served: each file is read through the safe reader (opened without following a symlink,
// checked to be a regular file on the opened descriptor, read up to the size seen there), within a bound for the whole
// site. A path that is not one of those files is a 404, or the page itself for a client-side route. What it serves
// holds no secret and no data, so it needs no session token (a reload of the page must work once the token has left
// the address bar).
//
// The build names every file under assets/ after its content, so those are cached for good (a reload or the next
// start on the same port asks for nothing); the page itself is asked again each time, and answered 304 while it is the
// same.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, posix } from 'node:path';
import { readRegularBytes } from '../core/regular-file.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** A name the build gave after the content (Vite: `name-<8 characters of hash>.ext`): it never changes. */
const CONTENT_NAMED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;
/** The folders read: the page's and the build's assets (Vite writes nothing deeper). */
const FOLDERS = ['', 'assets'] as const;
/** The whole site held in memory at most (the build is under 2 MB, source maps included), and its files at most. */
export const MAX_SITE_BYTES = 32 * 1024 * 1024;
export const MAX_SITE_FILES = 2_000;
const READ_AT_ONCE = 16;

interface Kept {
  readonly body: Buffer;
  readonly etag: string;
}

export interface StaticSite {
  /** Settles once the site is in memory; requests wait for it. Never rejects. */
  readonly ready: Promise<void>;
  serve(req: IncomingMessage, pathname: string, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void>;
}

const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** Starts reading the site at once; serves what was read, and only that. */
export function staticSite(root: string): StaticSite {
  const kept = new Map<string, Kept>();
  const ready = load(root, kept).catch(() => undefined);

  const answer = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, etag: string, headers: Readonly<Record<string, string>>): void => {
    const caching = {
      'cache-control': CONTENT_NAMED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...headers, ...caching }).end();
      return;
    }
    res.writeHead(200, { ...headers, ...caching, 'content-type': TYPES[posix.extname(path)] ?? 'application/octet-stream' }).end(body);
  };

  return {
    ready,
    async serve(req, pathname, res, headers) {
      let wanted: string;
      try {
        wanted = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
      } catch {
        res.writeHead(400, { ...headers, 'content-type': 'text/plain' }).end('bad request: malformed percent escape in the path\n');
        return;
      }
      await ready;
      // A name, never a path on disk: whatever `..` or `\` it holds, it is only ever looked up among the files read.
      const path = posix.normalize(wanted);
      const file = kept.get(path);
      if (file) return answer(req, res, path, file.body, file.etag, headers);
      if (posix.extname(path)) {
        res.writeHead(404, { ...headers, 'content-type': TYPES['.html'] as string }).end();
        return;
      }
      // A client-side route: hand back the app.
      const index = kept.get('/index.html');
      if (!index) {
        res.writeHead(404, headers).end('The UI is not built: run npm run build.');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': TYPES['.html'] as string, 'cache-control': 'no-cache' }).end(index.body);
    },
  };
}

/**
 * Every regular file of a known type in the site's folders, within MAX_SITE_FILES and MAX_SITE_BYTES: the page
 * first, then what it loads, source maps last (only the browser's developer tools ask for them).
 */
async function load(root: string, kept: Map<string, Kept>): Promise<void> {
  const names: string[] = [];
  for (const folder of FOLDERS) {
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
    // Symlinks are left out here already; one swapped in later is refused by the open.
    for (const entry of entries) if (entry.isFile() && TYPES[posix.extname(entry.name)] !== undefined) names.push(posix.join('/', folder, entry.name));
  }
  const rank = (name: string): number => (name === '/index.html' ? 0 : name.endsWith('.map') ? 2 : 1);
  names.sort((a, b) => rank(a) - rank(b));
  let budget = MAX_SITE_BYTES;
  const wanted = names.slice(0, MAX_SITE_FILES);
  // A few at a time, each within what the budget has left: the page's first requests come at once.
  for (let at = 0; at < wanted.length && budget > 0; at += READ_AT_ONCE) {
    const batch = wanted.slice(at, at + READ_AT_ONCE);
    const bodies = await Promise.all(batch.map((name) => readRegularBytes(join(root, name), 'web page file', { maxBytes: budget, noFollow: true }).catch(() => undefined)));
    batch.forEach((name, i) => {
      const body = bodies[i];
      if (!body || body.length > budget) return;
      budget -= body.length;
      kept.set(name, { body, etag: etagOf(body) });
    });
  }
}
