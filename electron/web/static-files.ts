// Serves the built renderer from one directory, never a path outside it. What it serves holds no secret and no data,
// so it needs no session token (a reload of the page must work once the token has left the address bar).
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
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

export async function serveStatic(root: string, pathname: string, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void> {
  const base = resolve(root);
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
  try {
    const body = await readFile(path);
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(body);
  } catch {
    // A client-side route: hand back the app.
    try {
      const index = await readFile(join(base, 'index.html'));
      res.writeHead(extname(path) ? 404 : 200, { ...headers, 'content-type': TYPES['.html'] as string }).end(extname(path) ? undefined : index);
    } catch {
      res.writeHead(404, headers).end('The UI is not built: run npm run build.');
    }
  }
}
