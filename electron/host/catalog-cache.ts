// A registry's catalog as last seen, on disk, so the app can show it at once while it asks the registry again
// (distribution 2.8 takes ~35 s for 50,000 names). Filled from the pages the renderer walks through catalog:list:
// a walk that reaches the last page replaces the copy. A hint only: the live listing always follows.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Names kept per registry; a catalog bigger than this is shown live only. */
export const MAX_CACHED_NAMES = 1_000_000;

const stored = z.object({
  version: z.literal(1),
  url: z.string(),
  savedAt: z.string(),
  items: z.array(z.string().max(255)).max(MAX_CACHED_NAMES),
});

export interface CachedCatalog {
  readonly savedAt: string;
  readonly items: readonly string[];
}

interface Walk {
  readonly url: string;
  readonly items: string[];
  expected: string;
}

export class CatalogCache {
  readonly #dir: string;
  readonly #walks = new Map<string, Walk>();
  readonly #memory = new Map<string, CachedCatalog>();

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'catalogs');
  }

  #file(registryId: string): string {
    return join(this.#dir, `${registryId.replace(/[^\w.-]/g, '_')}.json`);
  }

  /** Records one page of a walk; the page after `cursor` must be the one asked for next. */
  async page(registryId: string, url: string, cursor: string | undefined, items: readonly string[], next: string | undefined): Promise<void> {
    let walk = this.#walks.get(registryId);
    if (cursor === undefined) {
      walk = { url, items: [], expected: '' };
      this.#walks.set(registryId, walk);
    } else if (!walk || walk.expected !== cursor || walk.url !== url) {
      return;
    }
    if (walk.items.length + items.length > MAX_CACHED_NAMES) {
      this.#walks.delete(registryId);
      return;
    }
    for (const item of items) walk.items.push(item);
    if (next !== undefined) {
      walk.expected = next;
      return;
    }
    this.#walks.delete(registryId);
    await this.#save(registryId, url, walk.items);
  }

  async get(registryId: string, url: string): Promise<CachedCatalog | undefined> {
    const known = this.#memory.get(registryId);
    if (known) return known;
    let parsed;
    try {
      parsed = stored.safeParse(JSON.parse(await readFile(this.#file(registryId), 'utf8')));
    } catch {
      return undefined;
    }
    // A copy made for another address (the profile was edited) is not this registry's.
    if (!parsed.success || parsed.data.url !== url) return undefined;
    const catalog = { savedAt: parsed.data.savedAt, items: parsed.data.items };
    this.#memory.set(registryId, catalog);
    return catalog;
  }

  async forget(registryId: string): Promise<void> {
    this.#memory.delete(registryId);
    this.#walks.delete(registryId);
    await rm(this.#file(registryId), { force: true });
  }

  async #save(registryId: string, url: string, items: readonly string[]): Promise<void> {
    const catalog = { savedAt: new Date().toISOString(), items };
    this.#memory.set(registryId, catalog);
    const file = this.#file(registryId);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(this.#dir, { recursive: true });
      await writeFile(temp, JSON.stringify({ version: 1, url, ...catalog }), { mode: 0o600 });
      await rename(temp, file);
    } catch {
      // Best effort: without a copy on disk the catalog is only slower to appear.
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
