// Remembers, per registry, which compressed blob holds an uncompressed layer (DiffID): pushing the same image again,
// or to another repository, needs no compression. Written only after the registry accepted the blob.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDigest } from '../reference.js';

export interface KnownLayer {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** A repository of the registry that holds it, to mount from. */
  readonly repository: string;
}

export class LayerCache {
  readonly #root: string;

  constructor(cacheDir: string) {
    this.#root = join(cacheDir, 'layers');
  }

  #path(registry: string, diffId: string, variant: string): string {
    const host = registry.replace(/[^A-Za-z0-9.-]/g, '_');
    return join(this.#root, host, variant, diffId.replace(':', '-'));
  }

  get(registry: string, diffId: string, variant: string): KnownLayer | undefined {
    try {
      const value = JSON.parse(readFileSync(this.#path(registry, diffId, variant), 'utf8')) as Partial<KnownLayer>;
      if (typeof value.digest !== 'string' || !isDigest(value.digest) || typeof value.size !== 'number' || typeof value.repository !== 'string' || typeof value.mediaType !== 'string') return undefined;
      return value as KnownLayer;
    } catch {
      return undefined;
    }
  }

  record(registry: string, diffId: string, variant: string, layer: KnownLayer): void {
    const path = this.#path(registry, diffId, variant);
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(temp, JSON.stringify(layer));
      renameSync(temp, path);
    } catch {
      rmSync(temp, { force: true });
    }
  }
}
