// A disk cache of content addressed by digest (manifests, configs). Entries are immutable, so a hit needs no
// revalidation; writes are atomic (temp file + rename) and reads re-hash, so two processes can share it safely.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { algorithmOf, digestOf } from '../digest.js';
import { isDigest } from '../reference.js';

const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVEDORE_CACHE_DIR) return env.STEVEDORE_CACHE_DIR;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stevedore');
}

export class ContentCache {
  readonly #root: string;

  constructor(dir: string = defaultCacheDir()) {
    this.#root = join(dir, 'content');
  }

  #path(digest: string): string {
    const [algorithm, hex] = digest.split(':') as [string, string];
    return join(this.#root, algorithm, hex.slice(0, 2), hex);
  }

  /** The cached bytes, or undefined on a miss; a corrupt entry is removed and counts as a miss. */
  async get(digest: string): Promise<Buffer | undefined> {
    if (!isDigest(digest)) return undefined;
    const path = this.#path(digest);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return undefined;
    }
    if (digestOf(bytes, algorithmOf(digest)) !== digest) {
      await rm(path, { force: true }).catch(() => undefined);
      return undefined;
    }
    return bytes;
  }

  /** Stores bytes under their digest. Best effort: a cache that cannot be written never fails the caller. */
  async put(digest: string, bytes: Uint8Array): Promise<void> {
    if (!isDigest(digest) || bytes.length > MAX_ENTRY_BYTES) return;
    if (digestOf(bytes, algorithmOf(digest)) !== digest) return;
    const path = this.#path(digest);
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, path);
    } catch {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
