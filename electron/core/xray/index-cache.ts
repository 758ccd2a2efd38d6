// Layer indexes on disk, addressed by layer digest: an index never changes, so a hit needs no download. One file per
// layer: a magic line with the sha256 of the gzip body, then gzip(JSON) with entries as tuples. Writes are atomic
// (temp file + rename, so two processes never see half a file); reads check the checksum and the schema and drop a
// bad file (a cache is a hint); the directory is kept under a size limit, least recently used first.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import * as z from 'zod';
import type { EntryKind, LayerEntry, LayerIndex } from '../../../shared/xray.js';
import { defaultCacheDir } from '../cache/content-cache.js';
import { isDigest } from '../reference.js';

const MAGIC = 'stevedore-xray-1';
const KIND_CODES: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'];
const CODE_OF = new Map(KIND_CODES.map((k, i) => [k, i]));
export const DEFAULT_XRAY_CACHE_BYTES = 512 * 1024 * 1024;
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const entryTuple = z.tuple([z.string().min(1).max(4096), z.number().int().min(0).max(KIND_CODES.length - 1), count, z.number().int().min(0).max(0o7777), count, count, z.string().max(4096).nullable(), z.string().regex(/^[a-f0-9]{64}$/).nullable()]);
const payloadSchema = z.object({
  digest: z.string().refine(isDigest),
  diffId: z.string().refine(isDigest),
  tarSize: count,
  entries: z.array(entryTuple),
});

type EntryTuple = z.infer<typeof entryTuple>;

export interface IndexCacheOptions {
  /** Total bytes the cache may hold before the least recently used files go (the `xray cache size` setting). */
  readonly maxBytes?: number;
}

export function xrayCacheBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const mb = Number(env.STEVEDORE_XRAY_CACHE_MB);
  return env.STEVEDORE_XRAY_CACHE_MB && Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : undefined;
}

export class LayerIndexCache {
  readonly dir: string;
  readonly #maxBytes: number;

  constructor(cacheDir: string = defaultCacheDir(), options: IndexCacheOptions = {}) {
    this.dir = join(cacheDir, 'xray', 'v1');
    this.#maxBytes = options.maxBytes ?? xrayCacheBytesFromEnv() ?? DEFAULT_XRAY_CACHE_BYTES;
  }

  pathOf(key: string): string {
    return join(this.dir, key.replace(':', '-'));
  }

  /** The index stored under `key` (a layer digest or DiffID), or undefined; a bad file is removed and is a miss. */
  async get(key: string): Promise<LayerIndex | undefined> {
    if (!isDigest(key)) return undefined;
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return undefined;
    }
    const index = await decode(bytes, key);
    if (!index) {
      await rm(path, { force: true });
      return undefined;
    }
    // The modification time is the recency that eviction goes by.
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return index;
  }

  /** Stores an index under each key. Best effort: a cache that cannot be written never fails the caller. */
  async put(keys: readonly string[], index: LayerIndex): Promise<void> {
    try {
      const bytes = await encode(index);
      if (bytes.length > MAX_FILE_BYTES || this.#maxBytes === 0) return;
      await mkdir(this.dir, { recursive: true });
      for (const key of new Set(keys)) {
        if (!isDigest(key)) continue;
        const path = this.pathOf(key);
        const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
        try {
          await writeFile(temp, bytes, { flag: 'wx' });
          await rename(temp, path);
        } finally {
          await rm(temp, { force: true });
        }
      }
      await this.evict();
    } catch {
      // A full disk or a read-only cache directory: the index is still returned to the caller.
    }
  }

  /** Removes the least recently used files until the cache is within its limit. */
  async evict(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    const files: { path: string; size: number; time: number }[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      // A temp file of a writer that died is garbage after a minute; a live writer renames within milliseconds.
      if (info && name.endsWith('.tmp') && Date.now() - info.mtimeMs > 60_000) await rm(path, { force: true });
      else if (info?.isFile()) files.push({ path, size: info.size, time: info.mtimeMs });
    }
    let total = files.reduce((sum, f) => sum + f.size, 0);
    if (total <= this.#maxBytes) return;
    files.sort((a, b) => a.time - b.time);
    for (const file of files) {
      if (total <= this.#maxBytes) break;
      await rm(file.path, { force: true });
      total -= file.size;
    }
  }
}

async function encode(index: LayerIndex): Promise<Buffer> {
  const entries: EntryTuple[] = index.entries.map((e) => [e.path, CODE_OF.get(e.kind) ?? KIND_CODES.length - 1, e.size, e.mode, e.uid, e.gid, e.link ?? null, e.sha256 ?? null]);
  const body = await gzipAsync(JSON.stringify({ digest: index.digest, diffId: index.diffId, tarSize: index.tarSize, entries }), { level: 1 });
  return Buffer.concat([Buffer.from(`${MAGIC} ${createHash('sha256').update(body).digest('hex')}\n`), body]);
}

async function decode(bytes: Buffer, key: string): Promise<LayerIndex | undefined> {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || newline > 200) return undefined;
  const [magic, checksum] = bytes.toString('latin1', 0, newline).split(' ');
  const body = bytes.subarray(newline + 1);
  if (magic !== MAGIC || checksum !== createHash('sha256').update(body).digest('hex')) return undefined;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse((await gunzipAsync(body)).toString('utf8')));
    if (!parsed.success) return undefined;
    const { digest, diffId, tarSize } = parsed.data;
    if (key !== digest && key !== diffId) return undefined;
    const entries: LayerEntry[] = parsed.data.entries.map(([path, code, size, mode, uid, gid, link, sha256]) => ({
      path,
      kind: KIND_CODES[code] ?? 'other',
      size,
      mode,
      uid,
      gid,
      ...(link !== null ? { link } : {}),
      ...(sha256 !== null ? { sha256 } : {}),
    }));
    return { digest, diffId, tarSize, entries };
  } catch {
    return undefined;
  }
}
