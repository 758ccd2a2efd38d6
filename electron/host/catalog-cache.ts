// Each registry's last complete catalog, kept on disk so a catalog seen before shows at once while it is asked again.
// Recorded from the pages the renderer walks (no extra requests); written atomically, validated on read, bounded.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CachedCatalog } from '../../shared/contract.js';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import type { ListPage } from '../core/registry/client.js';

/** Far above the 50,000 the benchmark lists; a bigger catalog is simply not cached. */
export const MAX_CACHED_NAMES = 500_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Catalog files kept; the least recently written go first. */
const MAX_FILES = 32;
/** Listings followed at once (two windows, a retry while the first walk still runs). */
const MAX_WALKS = 8;
const VERSION = 1;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

const fileSchema = z.object({
  version: z.literal(VERSION),
  url: z.string().max(500),
  savedAt: z.iso.datetime(),
  repositories: z.array(z.string().max(255).regex(REPOSITORY)).max(MAX_CACHED_NAMES),
});

interface Walk {
  readonly profileId: string;
  readonly url: string;
  readonly names: string[];
}

export class CatalogCache {
  readonly #dir: string;
  /** Listings under way, by the cursor their next page will be asked with. */
  readonly #walks = new Map<string, Walk>();

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'catalogs');
  }

  #file(profileId: string): string {
    return join(this.#dir, `${createHash('sha256').update(profileId).digest('hex').slice(0, 32)}.json`);
  }

  /** The last complete catalog of this registry, or none when absent, unreadable, or for another address. */
  async read(profile: RegistryProfile): Promise<CachedCatalog> {
    const file = this.#file(profile.id);
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) throw new Error('not a catalog file');
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (!parsed.success) throw new Error('invalid catalog file');
      // A profile pointed elsewhere keeps its id: the old registry's names are not this one's.
      if (parsed.data.url !== profile.url) return { items: [] };
      return { items: parsed.data.repositories, savedAt: parsed.data.savedAt };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await rm(file, { force: true }).catch(() => undefined);
      return { items: [] };
    }
  }

  /**
   * Follows one page of a catalog walk: a walk starts at the page asked without a cursor and continues only with the
   * cursor its last page gave, so pages of other walks never mix in. The last page stores the whole catalog.
   */
  async note(profile: RegistryProfile, cursor: string | undefined, page: ListPage): Promise<void> {
    let walk: Walk | undefined;
    if (cursor === undefined) walk = { profileId: profile.id, url: profile.url, names: [] };
    else {
      const key = walkKey(profile.id, cursor);
      walk = this.#walks.get(key);
      this.#walks.delete(key);
      if (walk?.url !== profile.url) return;
    }
    if (walk.names.length + page.items.length > MAX_CACHED_NAMES) return;
    for (const name of page.items) walk.names.push(name);
    if (page.next !== undefined) {
      this.#walks.set(walkKey(profile.id, page.next), walk);
      if (this.#walks.size > MAX_WALKS) this.#walks.delete(this.#walks.keys().next().value as string);
      return;
    }
    await this.#write(walk).catch(() => undefined);
  }

  /** Best effort: a cache that cannot be written never fails the listing. */
  async #write(walk: Walk): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const file = this.#file(walk.profileId);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const body = JSON.stringify({ version: VERSION, url: walk.url, savedAt: new Date().toISOString(), repositories: walk.names });
    await writeFile(temporary, body, { mode: 0o600 });
    await rename(temporary, file).catch(async (error: unknown) => {
      await rm(temporary, { force: true });
      throw error;
    });
    await this.#prune();
  }

  async #prune(): Promise<void> {
    const names = (await readdir(this.#dir)).filter((n) => n.endsWith('.json'));
    if (names.length <= MAX_FILES) return;
    const dated = await Promise.all(names.map(async (n) => ({ path: join(this.#dir, n), mtime: (await stat(join(this.#dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => a.mtime - b.mtime);
    for (const old of dated.slice(0, dated.length - MAX_FILES)) await rm(old.path, { force: true });
  }
}

function walkKey(profileId: string, cursor: string): string {
  return `${profileId}\n${cursor}`;
}
