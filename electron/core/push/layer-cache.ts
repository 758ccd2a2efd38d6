// Remembers, per registry, which compressed blob holds an uncompressed layer (DiffID), so pushing the same image
// again, or to another repository, needs no compression; and, for any registry, which DiffID a compressed blob was
// verified to decompress to. Entries are written only after the registry accepted a blob (or the bytes were hashed),
// but a file on disk can be edited, corrupted or left by an older version: every read is validated, and callers treat
// what they get as a hint to check against the registry.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDigest } from '../reference.js';
import { readCacheEntrySync } from '../regular-file.js';

export interface KnownLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** A repository of the registry that holds it, to mount from. */
  readonly repository: string;
}

/** Bumped when the meaning of an entry changes: files of other versions are ignored and rewritten. */
const VERSION = 2;
const MAX_FILE_BYTES = 4096;

// Checked field by field rather than with zod: every push reads this file, and in the bundled CLI any zod import
// shares a chunk with the contract's full zod (650 KB with its locales), a quarter of a no-op push's start-up.
type Fields = Readonly<Record<string, unknown>>;

/** A JSON object of this version's format, or undefined. */
function entryOf(value: unknown): Fields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Fields;
  return fields.version === VERSION ? fields : undefined;
}

function digestField(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 200 && isDigest(value);
}

function nameField(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 255;
}

function knownLayerOf(value: unknown): KnownLayer | undefined {
  const entry = entryOf(value);
  if (!entry) return undefined;
  const { digest, size, mediaType, repository } = entry;
  if (!digestField(digest) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || !nameField(mediaType) || !nameField(repository)) return undefined;
  return { digest, size, mediaType, repository };
}

function verifiedDiffIdOf(value: unknown): string | undefined {
  const diffId = entryOf(value)?.diffId;
  return digestField(diffId) ? diffId : undefined;
}

export class LayerCache {
  readonly #root: string;
  readonly #verified: string;

  constructor(cacheDir: string) {
    this.#root = join(cacheDir, 'layers');
    this.#verified = join(cacheDir, 'verified-layers');
  }

  #path(registry: string, key: string, variant: string): string | undefined {
    if (!isDigest(key)) return undefined;
    const host = registry.replace(/[^A-Za-z0-9.-]/g, '_');
    return join(this.#root, host, variant.replace(/[^A-Za-z0-9.-]/g, '_'), key.replace(':', '-'));
  }

  #verifiedPath(blob: string): string | undefined {
    return isDigest(blob) ? join(this.#verified, blob.replace(':', '-')) : undefined;
  }

  get(registry: string, key: string, variant: string): KnownLayer | undefined {
    return knownLayerOf(readJson(this.#path(registry, key, variant)));
  }

  record(registry: string, key: string, variant: string, layer: KnownLayer): void {
    const { digest: d, size, mediaType, repository } = layer;
    writeAtomically(this.#path(registry, key, variant), { version: VERSION, digest: d, size, mediaType, repository });
  }

  /** Drops an entry the registry contradicted; a later upload writes the right one. */
  forget(registry: string, key: string, variant: string): void {
    const path = this.#path(registry, key, variant);
    if (path) rmSync(path, { force: true });
  }

  /** The DiffID a compressed blob was found to decompress to, if it was ever hashed here. */
  verifiedDiffId(blob: string): string | undefined {
    return verifiedDiffIdOf(readJson(this.#verifiedPath(blob)));
  }

  /** Call only with a DiffID computed from bytes that hashed to `blob`. */
  recordVerified(blob: string, diffId: string): void {
    if (isDigest(diffId)) writeAtomically(this.#verifiedPath(blob), { version: VERSION, diffId });
  }
}

function readJson(path: string | undefined): unknown {
  if (!path) return undefined;
  try {
    // Only a small regular file at the path itself: a FIFO, a huge file or a symlink planted in the cache must not
    // block, fill memory or read another file.
    const bytes = readCacheEntrySync(path, MAX_FILE_BYTES);
    return bytes && (JSON.parse(bytes.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string | undefined, value: unknown): void {
  if (!path) return;
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, path);
  } catch {
    // A cache that cannot be written only costs time on the next push.
    rmSync(temp, { force: true });
  }
}
