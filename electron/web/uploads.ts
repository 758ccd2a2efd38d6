// A browser that drops a tarball hands over bytes, not a path: they are streamed to a private temporary directory,
// and the contract then works on that file like on any other.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface Uploads {
  receive(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void>;
  close(): Promise<void>;
}

export async function uploadArea(): Promise<Uploads> {
  const dir = await mkdtemp(join(tmpdir(), 'stevedore-uploads-'));
  return {
    async receive(req, res, headers) {
      const name = (new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('name') ?? 'archive.tar').replace(/[^A-Za-z0-9._-]/g, '_').slice(-100);
      const path = join(dir, `${randomBytes(6).toString('hex')}-${name}`);
      try {
        await pipeline(req, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        res.writeHead(201, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ path }));
      } catch (error) {
        await rm(path, { force: true });
        if (!res.headersSent) res.writeHead(500, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
      }
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
