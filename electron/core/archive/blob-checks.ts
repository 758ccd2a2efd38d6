// Checks shared by the archive formats: blobs named by digest must hash to it, JSON must parse.
import type { Platform } from '../../../shared/image.js';
import { isDigest } from '../reference.js';
import { parseImageConfig } from '../registry/image-config.js';
import type { ArchiveSource } from './archive-source.js';
import { hashAlgorithm, hashAs, isArchiveDigest } from './blob-digest.js';
import { archiveInvalid } from './tar-entry.js';

export const METADATA_LIMIT = 8 * 1024 * 1024;
/**
 * Images (or platforms of one index) an archive may describe. Each means reading and hashing a config of up to
 * METADATA_LIMIT: a manifest.json naming one 8 MB config a hundred thousand times would otherwise mean 800 GB of work.
 */
export const MAX_ARCHIVE_IMAGES = 1000;

export function checkImageCount(count: number, entry: string): void {
  if (count > MAX_ARCHIVE_IMAGES) throw archiveInvalid(entry, `more than the ${MAX_ARCHIVE_IMAGES} images Stevedore reads from one archive (${count} so far)`);
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

/** Digest named by a blobs/<alg>/<hex> path, if the entry is one. */
export function digestFromBlobPath(entry: string): string | undefined {
  const match = /^blobs\/([a-z0-9]+(?:[+._-][a-z0-9]+)*)\/([a-zA-Z0-9=_-]+)$/.exec(entry);
  const digest = match ? `${match[1]}:${match[2]}` : undefined;
  return digest && isArchiveDigest(digest) ? digest : undefined;
}

export interface ConfigFacts {
  readonly diffIds: readonly string[];
  readonly platform: Platform;
  readonly created?: string;
}

export function configFacts(bytes: Buffer, entry: string): ConfigFacts {
  const config = parseImageConfig(bytes);
  for (const diffId of config.diffIds) if (!isDigest(diffId)) throw archiveInvalid(entry, `rootfs.diff_ids holds an invalid digest "${diffId}"`);
  return {
    diffIds: config.diffIds,
    platform: { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) },
    ...(config.created ? { created: config.created } : {}),
  };
}
