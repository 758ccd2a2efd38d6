// Checks shared by the archive formats: blobs named by digest must hash to it, JSON must parse.
import type { Platform } from '../../../shared/image.js';
import { isDigest } from '../reference.js';
import { parseImageConfig } from '../registry/image-config.js';
import type { ArchiveSource } from './archive-source.js';
import { METADATA_LIMIT, digestFromBlobPath, hashAlgorithm, hashAs } from './blob-digest.js';
import { archiveInvalid } from './tar-entry.js';

export { METADATA_LIMIT, digestFromBlobPath };

/**
 * Images (or platforms of one index) an archive may describe. Each means reading and hashing a config of up to
 * METADATA_LIMIT: a manifest.json naming one 8 MB config a hundred thousand times would otherwise mean 800 GB of work.
 */
export const MAX_ARCHIVE_IMAGES = 1000;

export function checkImageCount(count: number, entry: string): void {
  if (count > MAX_ARCHIVE_IMAGES) throw archiveInvalid(entry, `more than the ${MAX_ARCHIVE_IMAGES} images Stevedore reads from one archive (${count} so far)`);
}

/**
 * Layers an archive may list, over all its images and platforms. Real images have at most a few hundred (Docker stops
 * at 125); each listed layer costs a lookup and a read, so a 15 MB manifest.json naming one entry two million times
 * would otherwise keep a reader busy for a quarter of an hour.
 */
export const MAX_ARCHIVE_LAYERS = 10_000;

/** Counts layers as images are read, refusing the archive once they pass MAX_ARCHIVE_LAYERS. */
export function layerBudget(): (count: number, entry: string) => void {
  let total = 0;
  return (count, entry) => {
    total += count;
    if (total > MAX_ARCHIVE_LAYERS) throw archiveInvalid(entry, `more than the ${MAX_ARCHIVE_LAYERS} layers Stevedore reads from one archive (${total} so far)`);
  };
}

export function blobEntry(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** Reads a small blob and checks it against its digest when its algorithm is one Stevedore computes (and its size). */
export async function readVerified(source: ArchiveSource, entry: string, digest: string, size?: number): Promise<Buffer> {
  const bytes = await source.readSmall(entry, METADATA_LIMIT);
  if (size !== undefined && bytes.length !== size) throw archiveInvalid(entry, `is ${bytes.length} bytes, the descriptor says ${size}`);
  const algorithm = hashAlgorithm(digest);
  if (algorithm === undefined) return bytes;
  const actual = hashAs(bytes, algorithm);
  if (actual !== digest) throw archiveInvalid(entry, `content hashes to ${actual}, not ${digest}`);
  return bytes;
}

export function parseJsonEntry(bytes: Buffer, entry: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw archiveInvalid(entry, 'is not valid JSON');
  }
}


export interface ConfigFacts {
  readonly diffIds: readonly string[];
  readonly platform: Platform;
  readonly created?: string;
}

/**
 * Reads a config from an archive strictly: a push names it in a manifest, so its rootfs.diff_ids must be a list of
 * digests, one per layer. (The lenient reader for display drops what is not a string: a list holding junk beside
 * the real diff_ids would then seem to match an image with fewer layers.)
 */
export function configFacts(bytes: Buffer, entry: string): ConfigFacts {
  const json = parseJsonEntry(bytes, entry);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw archiveInvalid(entry, 'is not a JSON object (an image config)');
  const rootfs = (json as { rootfs?: unknown }).rootfs;
  const listed = typeof rootfs === 'object' && rootfs !== null ? (rootfs as { diff_ids?: unknown }).diff_ids : undefined;
  if (listed !== undefined && !Array.isArray(listed)) throw archiveInvalid(entry, 'rootfs.diff_ids is not a list');
  for (const [i, diffId] of (listed ?? []).entries()) {
    if (typeof diffId !== 'string' || !isDigest(diffId)) throw archiveInvalid(entry, `rootfs.diff_ids[${i}] is not a digest (${JSON.stringify(diffId)?.slice(0, 80)})`);
  }
  const config = parseImageConfig(bytes);
  return {
    diffIds: config.diffIds,
    platform: { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) },
    ...(config.created ? { created: config.created } : {}),
  };
}
