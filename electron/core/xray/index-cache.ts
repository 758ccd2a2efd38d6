// Layer indexes on disk, addressed by layer digest: an index never changes, so a hit needs no download. One file per
// layer (index-codec.ts: a magic line with the sha256 of the rest, then the entries in columns), and beside them the
// merged views of images (merged-codec.ts), addressed by their ordered layers, under the same rules and limit. Writes are atomic
// (temp file + rename, so two processes never see half a file); reads check the checksum and the shape and drop a
// bad file (a cache is a hint); the directory is kept under a size limit, least recently used first.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerIndex } from '../../../shared/xray.js';
import { defaultCacheDir } from '../cache/content-cache.js';
import { isDigest } from '../reference.js';
import { readCacheEntry } from '../regular-file.js';
import { decodeIndex, encodeIndex } from './index-codec.js';
import { decodeMergedView, encodeMergedView, type StoredMergedView } from './merged-codec.js';

export const DEFAULT_XRAY_CACHE_BYTES = 512 * 1024 * 1024;
const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** The directory of this format; older formats' directories are removed when the cache is next written. */
const VERSION = 'v2';
const OLD_VERSIONS = ['v1'];

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
  readonly #root: string;
  readonly #maxBytes: number;
  #oldFormatsGone = false;

  constructor(cacheDir: string = defaultCacheDir(), options: IndexCacheOptions = {}) {
    this.#root = join(cacheDir, 'xray');
    this.dir = join(this.#root, VERSION);
    this.#maxBytes = options.maxBytes ?? xrayCacheBytesFromEnv() ?? DEFAULT_XRAY_CACHE_BYTES;
  }

  pathOf(key: string): string {
    return join(this.dir, key.replace(':', '-'));
  }

  /** The index stored under `key` (a layer digest or DiffID), or undefined; a bad file is removed and is a miss. */
  async get(key: string): Promise<LayerIndex | undefined> {
    return isDigest(key) ? this.#read(this.pathOf(key), (bytes) => decodeIndex(bytes, key)) : undefined;
  }

  /** Stores an index under each key. Best effort: a cache that cannot be written never fails the caller. */
  async put(keys: readonly string[], index: LayerIndex): Promise<void> {
    const bytes = (() => {
      try {
        return encodeIndex(index);
      } catch {
        return undefined;
      }
    })();
    if (bytes) await this.#write([...new Set(keys)].filter(isDigest).map((key) => this.pathOf(key)), bytes);
  }

  /** Where the merged view of the layers named by `key` (merged-codec.ts: mergedKey) is kept, beside the indexes. */
  mergedPathOf(key: string): string {
    return join(this.dir, `merged-${key.replace(':', '-')}`);
  }

  /** The merged view stored under `key`, or undefined; a bad file is removed and is a miss. */
  async getMerged(key: string): Promise<StoredMergedView | undefined> {
    return isDigest(key) ? this.#read(this.mergedPathOf(key), (bytes) => decodeMergedView(bytes, key)) : undefined;
  }

  /** Stores a merged view under `key`, counted and evicted with the indexes. Best effort, as put() is. */
  async putMerged(key: string, view: StoredMergedView): Promise<void> {
    if (!isDigest(key)) return;
    const bytes = (() => {
      try {
        return encodeMergedView(key, view);
      } catch {
        return undefined;
      }
    })();
    if (bytes) await this.#write([this.mergedPathOf(key)], bytes);
  }

  async #read<T>(path: string, decode: (bytes: Buffer) => T | undefined): Promise<T | undefined> {
    let bytes: Buffer | undefined;
    try {
      // Only a regular file of at most MAX_FILE_BYTES at the path itself: a FIFO, a device or a symlink is a miss.
      bytes = await readCacheEntry(path, MAX_FILE_BYTES);
    } catch {
      return undefined;
    }
    let value: T | undefined;
    try {
      value = bytes && decode(bytes);
    } catch {
      value = undefined;
    }
    if (!value) {
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    // The modification time is the recency that eviction goes by.
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
    return value;
  }

  /** Writes `bytes` at each path, atomically (temp file + rename), then keeps the cache within its limit. */
  async #write(paths: readonly string[], bytes: Buffer): Promise<void> {
    try {
      // A file larger than the whole limit would push every other file out, then itself: it is not written.
      if (bytes.length > MAX_FILE_BYTES || bytes.length > this.#maxBytes) return;
      await mkdir(this.dir, { recursive: true });
      for (const path of paths) {
        const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
        try {
          await writeFile(temp, bytes, { flag: 'wx' });
          await rename(temp, path);
        } finally {
          await rm(temp, { force: true });
        }
      }
      await this.#dropOldFormats();
      await this.evict();
    } catch {
      // A full disk or a read-only cache directory: the caller still has what it computed.
    }
  }

  async #dropOldFormats(): Promise<void> {
    if (this.#oldFormatsGone) return;
    this.#oldFormatsGone = true;
    for (const version of OLD_VERSIONS) await rm(join(this.#root, version), { recursive: true, force: true });
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


