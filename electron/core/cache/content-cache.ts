// A disk cache of content addressed by digest (manifests, configs). Entries are immutable, so a hit needs no
// revalidation; writes are atomic (temp file + rename) and reads re-hash, so two processes can share it safely.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from './cache-dir.js';
import { algorithmOf, digestOf } from '../digest.js';
import { isDigest } from '../reference.js';
import { readCacheEntry } from '../regular-file.js';

const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export { defaultCacheDir } from './cache-dir.js';

export class ContentCache {
  readonly #root: string;
  readonly #knownDirs = new Set<string>();
  readonly #known = new Set<string>();
  readonly #queue: [string, Uint8Array][] = [];
  #scheduled: Promise<void> | undefined;

  constructor(dir: string = defaultCacheDir()) {
    this.#root = join(dir, 'content');
  }

  #path(digest: string): string {
    const [algorithm, hex] = digest.split(':') as [string, string];
    return join(this.#root, algorithm, hex.slice(0, 2), hex);
  }

  /** The cached bytes, or undefined on a miss; a corrupt entry is removed and counts as a miss. */
  async get(digest: string): Promise<Buffer | undefined> {
    // Only what can be checked on the way out is kept: a digest of an algorithm we cannot compute is never cached.
    const algorithm = isDigest(digest) ? algorithmOf(digest) : undefined;
    if (algorithm === undefined) return undefined;
    const path = this.#path(digest);
    // A miss is answered by one stat of a few microseconds, without queueing on libuv's thread pool.
    if (!existsSync(path)) return undefined;
    // Only a regular file no larger than any entry written, at the path itself: a FIFO planted in the cache would hold
    // a thread of libuv's pool and the command forever, a huge file fill memory, a symlink read another file.
    const bytes = await readCacheEntry(path, MAX_ENTRY_BYTES);
    if (bytes === undefined || digestOf(bytes, algorithm) !== digest) {
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    return bytes;
  }

  /** Stores bytes under their digest. Best effort: a cache that cannot be written never fails the caller. */
  put(digest: string, bytes: Uint8Array): Promise<void> {
    this.#store(digest, bytes);
    return Promise.resolve();
  }

  /**
   * Stores soon, off the caller's path: writes are batched on the next turn of the event loop. Entries are a few
   * KB, and a synchronous write of one costs tens of microseconds where the promise-based API costs several times
   * that in CPU that the registry (on the same machine, in tests and benchmarks) could use.
   */
  putLater(digest: string, bytes: Uint8Array): void {
    if (this.#known.has(digest)) return;
    this.#queue.push([digest, bytes]);
    this.#scheduled ??= new Promise((resolve) =>
      setImmediate(() => {
        const batch = this.#queue.splice(0);
        this.#scheduled = undefined;
        for (const [d, b] of batch) this.#store(d, b);
        resolve();
      }),
    );
  }

  /** Waits for every write queued by putLater. */
  async flush(): Promise<void> {
    while (this.#scheduled) await this.#scheduled;
  }

  #store(digest: string, bytes: Uint8Array): void {
    const algorithm = isDigest(digest) ? algorithmOf(digest) : undefined;
    if (this.#known.has(digest) || algorithm === undefined || bytes.length > MAX_ENTRY_BYTES) return;
    if (digestOf(bytes, algorithm) !== digest) return;
    const path = this.#path(digest);
    this.#known.add(digest);
    if (existsSync(path)) return;
    const dir = join(path, '..');
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (!this.#knownDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.#knownDirs.add(dir);
      }
      writeFileSync(temp, bytes, { flag: 'wx' });
      renameSync(temp, path);
    } catch {
      this.#known.delete(digest);
      rmSync(temp, { force: true });
    }
  }
}
