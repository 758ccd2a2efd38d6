// Remembers, per registry, which compressed blob holds an uncompressed layer (DiffID), so pushing the same image
// again, or to another repository, needs no compression; and, for any registry, which DiffID a compressed blob was
// verified to decompress to. Entries are written only after the registry accepted a blob (or the bytes were hashed),
// but a file on disk can be edited, corrupted or left by an older version: every read is validated, and callers treat
// what they get as a hint to check against the registry.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// zod's mini build, imported by name: only these schemas are bundled, where the full build's namespace would bring
// its every schema and locale into each push's start-up.
import { int, literal, maxLength, maximum, minLength, nonnegative, object, refine, string } from 'zod/mini';
import { isDigest } from '../reference.js';

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

const digest = string().check(maxLength(200), refine(isDigest, 'not a digest'));
const name = string().check(minLength(1), maxLength(255));
const knownLayerFile = object({
  version: literal(VERSION),
  digest,
  size: int().check(nonnegative(), maximum(Number.MAX_SAFE_INTEGER)),
  mediaType: name,
  repository: name,
});
const verifiedFile = object({ version: literal(VERSION), diffId: digest });

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
    const parsed = knownLayerFile.safeParse(readJson(this.#path(registry, key, variant)));
    if (!parsed.success) return undefined;
    const { digest: d, size, mediaType, repository } = parsed.data;
    return { digest: d, size, mediaType, repository };
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
    const parsed = verifiedFile.safeParse(readJson(this.#verifiedPath(blob)));
    return parsed.success ? parsed.data.diffId : undefined;
  }

  /** Call only with a DiffID computed from bytes that hashed to `blob`. */
  recordVerified(blob: string, diffId: string): void {
    if (isDigest(diffId)) writeAtomically(this.#verifiedPath(blob), { version: VERSION, diffId });
  }
}

function readJson(path: string | undefined): unknown {
  if (!path) return undefined;
  try {
    // Only a small regular file: a FIFO or a huge file planted in the cache must not block or fill memory.
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    const text = readFileSync(path, 'utf8');
    return text.length > MAX_FILE_BYTES ? undefined : (JSON.parse(text) as unknown);
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
