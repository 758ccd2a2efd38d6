// Each registry's last complete catalog, kept on disk so a catalog seen before shows at once while it is asked again.
// Recorded from the pages the renderer walks (no extra requests); written atomically, validated on read, bounded.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { CachedCatalog } from '../../shared/contract.js';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import type { ListPage } from '../core/registry/client.js';
import { readRegularBytes } from '../core/regular-file.js';

/** Far above the 50,000 the benchmark lists; a bigger catalog is simply not cached. */
export const MAX_CACHED_NAMES = 500_000;
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Catalog files kept; the least recently written go first. */
const MAX_FILES = 32;
/** Names held in memory across registries (about 60 MB of strings at most). */
const MAX_KEPT_NAMES = 1_000_000;
/** Listings followed at once (two windows, a retry while the first walk still runs). */
const MAX_WALKS = 8;
const VERSION = 1;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

// The names are checked by one loop below, not one zod check each: 50,000 of them in a few ms, not a hundred.
const fileSchema = z.object({
  version: z.literal(VERSION),
  source: z.string().max(1000),
  savedAt: z.iso.datetime(),
  repositories: z.array(z.unknown()).max(MAX_CACHED_NAMES),
});

/** A catalog file's `[` or `{`: its object and its list, and any in its source (an address and a user name, 1000 at most). */
const MAX_BRACKETS = 2 + 1000;
/** Its commas: between its names (none holds one), its four fields, and any in its source. */
const MAX_COMMAS = MAX_CACHED_NAMES + 3 + 1000;

/** Whether `bytes` holds `byte` at most `limit` times (counted by the buffer's own search, stopping past the limit). */
function within(bytes: Buffer, byte: number, limit: number): boolean {
  let count = 0;
  for (let at = bytes.indexOf(byte); at >= 0; at = bytes.indexOf(byte, at + 1)) if (++count > limit) return false;
  return true;
}

const isRepositoryName = (name: unknown): name is string => typeof name === 'string' && name.length <= 255 && REPOSITORY.test(name);

interface Kept {
  readonly source: string;
  readonly savedAt: string;
  readonly repositories: readonly string[];
}

interface Walk {
  readonly profileId: string;
  readonly source: string;
  readonly names: string[];
}

export class CatalogCache {
  readonly #dir: string;
  /** Listings under way, by the cursor their next page will be asked with. */
  readonly #walks = new Map<string, Walk>();
  /** What this process wrote or read, by profile: a second look needs no disk. */
  readonly #kept = new Map<string, Kept>();
  /** Each profile's writes, one after another: an older walk never lands over a newer one, and `forget` waits. */
  readonly #writing = new Map<string, Promise<void>>();

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'catalogs');
  }

  #file(profileId: string): string {
    return join(this.#dir, `${createHash('sha256').update(profileId).digest('hex').slice(0, 32)}.json`);
  }

  /** The last complete catalog of this registry, or none when absent, unreadable, or for another address. */
  async read(profile: RegistryProfile, limit?: number): Promise<CachedCatalog> {
    const kept = this.#kept.get(profile.id) ?? (await this.#readFile(profile.id));
    // A profile pointed elsewhere, or at another account, keeps its id: the names listed before are not this one's.
    if (kept?.source !== sourceOf(profile)) return { items: [], total: 0 };
    const items = limit !== undefined && limit < kept.repositories.length ? kept.repositories.slice(0, limit) : kept.repositories;
    return { items, total: kept.repositories.length, savedAt: kept.savedAt };
  }

  async #readFile(profileId: string): Promise<Kept | undefined> {
    const file = this.#file(profileId);
    try {
      // Checked on the opened file, not by path first: a FIFO or a symlink swapped in between is never read.
      const bytes = await readRegularBytes(file, 'catalog file', { maxBytes: MAX_FILE_BYTES, noFollow: true });
      // Counted before JSON.parse builds anything: a file of `[[],[],…]` as large as allowed would build millions of
      // arrays (a host stalled for seconds, over a gigabyte), where a catalog has one array and one object.
      if (!within(bytes, 0x5b, MAX_BRACKETS) || !within(bytes, 0x7b, MAX_BRACKETS) || !within(bytes, 0x2c, MAX_COMMAS)) throw new Error('not a catalog file');
      const parsed = fileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
      if (!parsed.success || !parsed.data.repositories.every(isRepositoryName)) throw new Error('invalid catalog file');
      const kept: Kept = { source: parsed.data.source, savedAt: parsed.data.savedAt, repositories: parsed.data.repositories as string[] };
      this.#keep(profileId, kept);
      return kept;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await rm(file, { force: true }).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Reads the copies of these registries ahead, in the background at start, so the first look at a catalog waits for
   * no disk; stops once the copies in memory hold MAX_CACHED_NAMES names.
   */
  async warm(profiles: readonly RegistryProfile[]): Promise<void> {
    let names = 0;
    for (const profile of profiles) {
      if (names >= MAX_CACHED_NAMES) return;
      const kept = this.#kept.get(profile.id) ?? (await this.#readFile(profile.id));
      names += kept?.repositories.length ?? 0;
    }
  }

  #keep(profileId: string, kept: Kept): void {
    this.#kept.delete(profileId);
    this.#kept.set(profileId, kept);
    let names = 0;
    for (const k of this.#kept.values()) names += k.repositories.length;
    // The least recently kept go first; the one just kept stays.
    for (const [id, old] of this.#kept) {
      if (this.#kept.size <= MAX_FILES && names <= MAX_KEPT_NAMES) break;
      if (id === profileId) break;
      this.#kept.delete(id);
      names -= old.repositories.length;
    }
  }

  /**
   * Follows one page of a catalog walk: a walk starts at the page asked without a cursor and continues only with the
   * cursor its last page gave, so pages of other walks never mix in. The last page stores the whole catalog.
   */
  async note(profile: RegistryProfile, cursor: string | undefined, page: ListPage): Promise<void> {
    let walk: Walk | undefined;
    if (cursor === undefined) walk = { profileId: profile.id, source: sourceOf(profile), names: [] };
    else {
      const key = walkKey(profile.id, cursor);
      walk = this.#walks.get(key);
      this.#walks.delete(key);
      if (walk?.source !== sourceOf(profile)) return;
    }
    if (walk.names.length + page.items.length > MAX_CACHED_NAMES) return;
    for (const name of page.items) walk.names.push(name);
    if (page.next !== undefined) {
      this.#walks.set(walkKey(profile.id, page.next), walk);
      if (this.#walks.size > MAX_WALKS) this.#walks.delete(this.#walks.keys().next().value as string);
      return;
    }
    const previous = this.#writing.get(walk.profileId) ?? Promise.resolve();
    const writing = previous.then(() => this.#write(walk)).catch(() => undefined);
    this.#writing.set(walk.profileId, writing);
    await writing;
    if (this.#writing.get(walk.profileId) === writing) this.#writing.delete(walk.profileId);
  }

  /**
   * Drops a registry's copy and its walks under way (the registry was removed). A write already begun is waited for,
   * or its rename would bring the file back after the removal.
   */
  async forget(profileId: string): Promise<void> {
    for (const [key, walk] of this.#walks) if (walk.profileId === profileId) this.#walks.delete(key);
    await this.#writing.get(profileId);
    this.#kept.delete(profileId);
    await rm(this.#file(profileId), { force: true });
  }

  /** Best effort: a cache that cannot be written never fails the listing. */
  async #write(walk: Walk): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const file = this.#file(walk.profileId);
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const kept: Kept = { source: walk.source, savedAt: new Date().toISOString(), repositories: walk.names };
    this.#keep(walk.profileId, kept);
    const body = JSON.stringify({ version: VERSION, ...kept });
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

/** What the listing depended on: the address, and whose credentials asked (another account may see other names). */
function sourceOf(profile: RegistryProfile): string {
  return JSON.stringify([profile.url, profile.credentialSource, profile.username ?? '']);
}

function walkKey(profileId: string, cursor: string): string {
  return `${profileId}\n${cursor}`;
}
