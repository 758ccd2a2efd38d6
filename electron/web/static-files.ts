// Serves the built renderer from one directory, never a path outside it. What it serves holds no secret and no data,
// so it needs no session token (a reload of the page must work once the token has left the address bar).
//
// The page and its scripts are read into memory as the host starts, while it begins to listen: the browser's first
// requests, which come at once, wait for no disk. The build names every file under assets/ after its content, so those
// are cached for good (a reload or the next start on the same port asks for nothing); the page itself is asked again
// each time, and answered 304 while it is the same.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** A name the build gave after the content (Vite: `name-<8 characters of hash>.ext`): it never changes. */
const CONTENT_NAMED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;
/** What is read ahead: the page and what it loads, not the source maps; at most this much in all. */
const PRELOAD_TYPES = new Set(['.html', '.js', '.css', '.svg', '.png', '.woff2', '.ico', '.json']);
const MAX_PRELOAD_BYTES = 16 * 1024 * 1024;

interface Kept {
  readonly body: Buffer;
  readonly etag: string;
}

export interface StaticSite {
  /** Settles once the files read ahead are in memory (a request before then reads the disk). Never rejects. */
  readonly ready: Promise<void>;
  serve(req: IncomingMessage, pathname: string, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void>;
}

const etagOf = (body: Buffer): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** Starts reading the page and its assets at once; serves from memory what has been read, from the disk the rest. */
export function staticSite(root: string): StaticSite {
  const base = resolve(root);
  const kept = new Map<string, Kept>();
  const ready = preload(base, kept).catch(() => undefined);

  const answer = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, etag: string, headers: Readonly<Record<string, string>>): void => {
    const caching = {
      'cache-control': CONTENT_NAMED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...headers, ...caching }).end();
      return;
    }
    res.writeHead(200, { ...headers, ...caching, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
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
      const path = resolve(join(base, normalize(wanted)));
      if (path !== base && !path.startsWith(base + sep)) {
        res.writeHead(404, headers).end();
        return;
      }
      const relative = `/${path.slice(base.length + 1).split(sep).join('/')}`;
      const inMemory = kept.get(relative);
      if (inMemory) return answer(req, res, relative, inMemory.body, inMemory.etag, headers);
      try {
        const body = await readFile(path);
        answer(req, res, relative, body, etagOf(body), headers);
      } catch {
        // A client-side route: hand back the app.
        if (extname(path)) {
          res.writeHead(404, { ...headers, 'content-type': TYPES['.html'] as string }).end();
          return;
        }
        const index = kept.get('/index.html') ?? (await readFile(join(base, 'index.html')).then((body) => ({ body, etag: etagOf(body) }), () => undefined));
        if (!index) {
          res.writeHead(404, headers).end('The UI is not built: run npm run build.');
          return;
        }
        res.writeHead(200, { ...headers, 'content-type': TYPES['.html'] as string, 'cache-control': 'no-cache' }).end(index.body);
      }
    },
  };
}

/** index.html and assets/*, all at once, within MAX_PRELOAD_BYTES. */
async function preload(base: string, kept: Map<string, Kept>): Promise<void> {
  const names = ['/index.html', ...(await readdir(join(base, 'assets')).catch(() => [] as string[])).map((name) => `/assets/${name}`)];
  let total = 0;
  await Promise.all(
    names
      .filter((name) => PRELOAD_TYPES.has(extname(name)))
      .map(async (name) => {
        const body = await readFile(join(base, name)).catch(() => undefined);
        if (!body || total + body.length > MAX_PRELOAD_BYTES) return;
        total += body.length;
        kept.set(name, { body, etag: etagOf(body) });
      }),
  );
}
