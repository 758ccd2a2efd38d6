// A browser that drops a tarball hands over bytes, not a path: they are streamed to the host's private temporary
// directory, and the contract then works on that file like on any other. Each upload is capped in size and lives
// only as long as someone needs it: the page that dropped it (until it dismisses it or has queued every image) and
// the pushes reading it. When the last of them lets go, the file is deleted.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../../shared/format.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { StevedoreError } from '../core/errors.js';
import { openUploadDir } from './upload-dir.js';

/**
 * 20 GiB: above the biggest images people push in practice (CUDA and ML images saved with `docker save` run to 10-15
 * GB), while a runaway or mistaken drop cannot fill the disk without bound. `--max-upload` / STEVEDORE_MAX_UPLOAD
 * change it.
 */
export const DEFAULT_MAX_UPLOAD = 20 * 1024 ** 3;

export interface UploadOptions {
  readonly maxBytes?: number;
  /** Where the host's upload directory is made (default: the OS temporary directory). */
  readonly root?: string;
  /** Whether a running push still reads this file. */
  readonly inUse: (path: string) => boolean;
  /** Stops any inspection still reading a file about to be deleted. */
  readonly stopReading?: (path: string) => void;
}

export interface Uploads {
  readonly dir: string;
  readonly maxBytes: number;
  receive(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>): Promise<void>;
  /** The page is done with an upload: delete it now, or when the pushes reading it end. False if not ours. */
  release(path: string): Promise<boolean>;
  /** A push of this file ended: delete it if the page let it go and no other push reads it. */
  pushEnded(path: string): Promise<void>;
  /** Paths of the uploads kept now. */
  list(): string[];
  close(): Promise<void>;
}

function failure(error: unknown): ErrorInfo {
  if (error instanceof StevedoreError) return error.toInfo();
  return { code: 'INTERNAL', message: `the upload could not be stored: ${error instanceof Error ? error.message : String(error)}` };
}

function json(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify(body));
}

export async function uploadArea(options: UploadOptions): Promise<Uploads> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD;
  const area = await openUploadDir(options.root);
  /** Upload path -> whether the page has let it go. */
  const kept = new Map<string, { released: boolean }>();
  const tooLarge = (): StevedoreError => new StevedoreError('TOO_LARGE', `the file is larger than the upload limit of ${formatBytes(maxBytes)} (${maxBytes} bytes), set when this Stevedore web host was started`, { choice: 'upload-limit' });

  const removeIfUnused = async (path: string): Promise<void> => {
    const entry = kept.get(path);
    if (!entry?.released || options.inUse(path)) return;
    kept.delete(path);
    options.stopReading?.(path);
    // Best effort (a file still open elsewhere may refuse on Windows): the directory goes when the host stops.
    await rm(path, { force: true }).catch(() => undefined);
  };

  return {
    dir: area.path,
    maxBytes,
    async receive(req, res, headers) {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        // Refused before a byte is read; the connection closes rather than reading a body nobody wants.
        json(res, 413, headers, tooLarge().toInfo(), true);
        return;
      }
      const name = (new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('name') ?? 'archive.tar').replace(/[^A-Za-z0-9._-]/g, '_').slice(-100);
      const path = join(area.path, `${randomBytes(6).toString('hex')}-${name}`);
      let received = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          if (received <= maxBytes) return callback(null, chunk);
          // A chunked body with no declared length: answer before the pipeline tears the connection down.
          const error = tooLarge();
          json(res, 413, headers, error.toInfo(), true);
          callback(error);
        },
      });
      try {
        await pipeline(req, limit, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        kept.set(path, { released: false });
        json(res, 201, headers, { path });
      } catch (error) {
        await rm(path, { force: true }).catch(() => undefined);
        // A client that went away gets no answer; anything else gets one line with its code.
        json(res, 500, headers, failure(error));
      }
    },
    async release(path) {
      const entry = kept.get(path);
      if (!entry) return false;
      entry.released = true;
      await removeIfUnused(path);
      return true;
    },
    pushEnded: removeIfUnused,
    list: () => [...kept.keys()],
    async close() {
      kept.clear();
      await area.remove();
    },
  };
}
