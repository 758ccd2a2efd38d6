// Registry profiles on disk: one schema-versioned JSON file, written atomically. On first start it offers the
// registries of ~/.docker/config.json and Docker Hub, so the app is useful with no setup.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { configKeyHost, readDockerConfig } from '../core/auth/docker-config.js';
import { StevedoreError } from '../core/errors.js';
import { readJsonFileSync } from '../core/json-file.js';

/**
 * Far larger than any list of registries (the most one can hold, MAX_BOOKMARKS of 255 characters, is about 13.3 MB as
 * written): a bigger file is refused, not read into memory.
 */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export const SCHEMA_VERSION = 1;

/**
 * Registries kept, and bookmarks across all of them: far above what anyone keeps, and a bound on a file that every
 * save rewrites whole (without one, a client saving profiles in a loop grew it past 180 MB in a minute).
 */
export const MAX_PROFILES = 100;
export const MAX_BOOKMARKS = 50_000;

interface StoredFile {
  readonly version: number;
  readonly profiles: readonly RegistryProfile[];
}

export class ProfileStore {
  readonly #path: string;
  #profiles: RegistryProfile[] | undefined;
  #loading: Promise<readonly RegistryProfile[]> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** One load for every caller: two loads at once would each suggest entries with ids of their own. */
  list(): Promise<readonly RegistryProfile[]> {
    if (this.#profiles) return Promise.resolve(this.#profiles);
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<readonly RegistryProfile[]> {
    // Loaded with the list, not at start-up: the web host tells its address before the schemas load.
    const { FILE_BOUNDS, checkProfileFile } = await import('./profile-file.js');
    let stored: RegistryProfile[];
    try {
      // Opened, then checked on the descriptor (a FIFO or a device at the path is refused, never waited for), bounded
      // before it is parsed, and checked profile by profile. A file that fails any of it is reported and left as it
      // is: the list is never saved over it.
      stored = readJsonFileSync(this.#path, 'registry list', { maxBytes: MAX_FILE_BYTES, ...FILE_BOUNDS, check: checkProfileFile(this.#path), remedy: '; fix or remove it' });
    } catch (error) {
      // Only a missing file is a first start. One that exists but cannot be read (permissions, a symlink loop, too
      // many open files) is reported: taken as missing, the suggestions written next would replace the user's list.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#profiles = await suggestedProfiles();
      this.#write();
      return this.#profiles;
    }
    this.#profiles = stored;
    return this.#profiles;
  }

  async get(id: string): Promise<RegistryProfile> {
    const found = (await this.list()).find((p) => p.id === id);
    if (!found) throw new StevedoreError('NOT_FOUND', `no registry with id "${id}"`);
    return found;
  }

  /** `check` throws to refuse the save, looking at the list as it is just before the change. */
  async save(profile: Omit<RegistryProfile, 'id'> & { id?: string }, check?: (current: readonly RegistryProfile[]) => void): Promise<RegistryProfile> {
    await this.list();
    // Read after the wait, not the list awaited (it may be older), and written with no wait in between: changes that
    // start at once (two requests in one read from the page's socket) then all count.
    const profiles = [...(this.#profiles ?? [])];
    check?.(profiles);
    const saved: RegistryProfile = { ...profile, id: profile.id ?? randomUUID() };
    const index = profiles.findIndex((p) => p.id === saved.id);
    if (index >= 0) profiles[index] = saved;
    else profiles.push(saved);
    if (profiles.length > MAX_PROFILES) throw new StevedoreError('TOO_LARGE', `Stevedore keeps at most ${MAX_PROFILES} registries; remove one first`);
    const bookmarks = profiles.reduce((sum, p) => sum + p.bookmarks.length, 0);
    if (bookmarks > MAX_BOOKMARKS) throw new StevedoreError('TOO_LARGE', `Stevedore keeps at most ${MAX_BOOKMARKS.toLocaleString('en-US')} bookmarks across all registries; this save would make ${bookmarks.toLocaleString('en-US')}`);
    this.#profiles = profiles;
    this.#write();
    return saved;
  }

  async remove(id: string): Promise<boolean> {
    await this.list();
    const profiles = [...(this.#profiles ?? [])];
    const next = profiles.filter((p) => p.id !== id);
    this.#profiles = next;
    this.#write();
    return next.length !== profiles.length;
  }

  #write(): void {
    const temp = `${this.#path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      writeFileSync(temp, JSON.stringify({ version: SCHEMA_VERSION, profiles: this.#profiles ?? [] } satisfies StoredFile, null, 2), { mode: 0o600 });
      renameSync(temp, this.#path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new StevedoreError('CONFIG', `cannot save registries to ${this.#path}: ${(error as Error).message}`);
    }
  }
}

async function suggestedProfiles(): Promise<RegistryProfile[]> {
  const hosts = new Set<string>(['docker.io']);
  try {
    const config = await readDockerConfig();
    for (const key of [...Object.keys(config.auths), ...Object.keys(config.credHelpers)]) hosts.add(configKeyHost(key));
  } catch {
    // a broken docker config is reported when it is used, not at start
  }
  return [...hosts].map((host) => ({
    id: randomUUID(),
    name: host === 'docker.io' ? 'Docker Hub' : host,
    url: host,
    credentialSource: 'docker-config',
    insecure: false,
    concurrency: 4,
    bookmarks: [],
  }));
}
