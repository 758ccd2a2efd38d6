// Layer indexes on disk, addressed by layer digest: an index never changes, so a hit needs no download. One file per
// layer: a magic line with the sha256 of the gzip body, then gzip(JSON) with entries as tuples. Writes are atomic
// (temp file + rename, so two processes never see half a file); reads check the checksum and the schema and drop a
// bad file (a cache is a hint); the directory is kept under a size limit, least recently used first.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { EntryKind, LayerEntry, LayerIndex } from '../../../shared/xray.js';
import { defaultCacheDir } from '../cache/content-cache.js';
import { isDigest } from '../reference.js';
import { gunzipCapped, indexJsonCap } from './gunzip-capped.js';

const MAGIC = 'stevedore-xray-1';
const KIND_CODES: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'];
const CODE_OF = new Map(KIND_CODES.map((k, i) => [k, i]));
export const DEFAULT_XRAY_CACHE_BYTES = 512 * 1024 * 1024;
const MAX_FILE_BYTES = 512 * 1024 * 1024;

const gzipAsync = promisify(gzip);

type EntryTuple = readonly [path: string, kind: number, size: number, mode: number, uid: number, gid: number, link: string | null, sha256: string | null];

const SHA256_HEX = /^[a-f0-9]{64}$/;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * One stored entry, checked field by field (a loop, not a schema library: a large layer has a hundred thousand of
 * them, and the warm path's budget is a few milliseconds); undefined when anything is off.
 */
function entryOfTuple(tuple: unknown): LayerEntry | undefined {
  if (!Array.isArray(tuple) || tuple.length !== 8) return undefined;
  const [path, code, size, mode, uid, gid, link, sha256] = tuple as unknown[];
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096) return undefined;
  if (!Number.isInteger(code) || (code as number) < 0 || (code as number) >= KIND_CODES.length) return undefined;
  if (!isCount(size) || !isCount(uid) || !isCount(gid) || !Number.isInteger(mode) || (mode as number) < 0 || (mode as number) > 0o7777) return undefined;
  if (link !== null && (typeof link !== 'string' || link.length > 4096)) return undefined;
  if (sha256 !== null && (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))) return undefined;
  const entry: { -readonly [K in keyof LayerEntry]: LayerEntry[K] } = { path, kind: KIND_CODES[code as number] as EntryKind, size, mode: mode as number, uid, gid };
  if (link !== null) entry.link = link;
  if (sha256 !== null) entry.sha256 = sha256;
  return entry;
}

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
    // A body that expands beyond what an index of its size can be was not written by us: a miss, like any bad file.
    const payload = JSON.parse((await gunzipCapped(body, indexJsonCap(body.length))).toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { digest, diffId, tarSize, entries: stored } = payload as Record<string, unknown>;
    if (typeof digest !== 'string' || !isDigest(digest) || typeof diffId !== 'string' || !isDigest(diffId) || !isCount(tarSize) || !Array.isArray(stored)) return undefined;
    if (key !== digest && key !== diffId) return undefined;
    const entries: LayerEntry[] = new Array<LayerEntry>(stored.length);
    for (let i = 0; i < stored.length; i++) {
      const entry = entryOfTuple(stored[i]);
      if (!entry) return undefined;
      entries[i] = entry;
    }
    return { digest, diffId, tarSize, entries };
  } catch {
    return undefined;
  }
}
