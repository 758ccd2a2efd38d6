// The gate in front of the manifest: every layer's uncompressed digest, however its bytes travelled (compressed on the
// way, sent as stored, streamed from a gzip-wrapped archive, skipped or mounted), must equal the config's
// rootfs.diff_ids at its position, and there must be exactly one layer per diff_id. The config is read again from
// the archive and checked against its digest, so the gate does not rest on what an earlier reading concluded.
import type { ArchiveImage, ArchivePlatformImage } from '../../../shared/archive.js';
import { METADATA_LIMIT } from '../archive/blob-checks.js';
import type { OpenedArchive } from '../archive/inspect-archive.js';
import { StevedoreError } from '../errors.js';
import { parseImageConfig } from '../registry/image-config.js';
import { layerTaskId, platformName } from './blob-plan.js';
import { canVerify, diffIdMismatch, digestLike } from './layer-digest.js';

/** Uncompressed digests by task id; undefined for a layer whose compression cannot be read here (zstd before Node 22.15). */
export type UncompressedDigests = ReadonlyMap<string, string | undefined>;

/** What can be refused before any byte moves: an uncompressed layer is its own DiffID. */
export function precheckLayers(image: ArchiveImage): void {
  for (const platform of image.platforms) {
    for (const [index, layer] of platform.layers.entries()) {
      if (layer.compression === 'none' && layer.digest !== undefined && layer.digest !== layer.diffId) {
        throw diffIdMismatch(layer.entry, { index, diffId: layer.diffId, ...where(image, platform) }, layer.digest);
      }
    }
  }
}

export async function verifyLayers(image: ArchiveImage, archive: OpenedArchive, uncompressed: UncompressedDigests): Promise<void> {
  for (const platform of image.platforms) {
    const diffIds = await configDiffIds(platform, archive);
    if (diffIds.length !== platform.layers.length) {
      throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${platform.config.entry}": the image lists ${platform.layers.length} layers but its config has ${diffIds.length} diff_ids`);
    }
    for (const [index, layer] of platform.layers.entries()) {
      const diffId = diffIds[index] as string;
      const id = layerTaskId(layer);
      if (!uncompressed.has(id)) throw new StevedoreError('INTERNAL', `layer ${index} ("${layer.entry}") was not verified before the manifest`);
      const actual = uncompressed.get(id);
      // Only a compression this Node cannot read (zstd before 22.15) passes unverified, as the OCI spec allows for what
      // cannot be checked; it is never claimed verified.
      if (actual === undefined && !canVerify(layer.compression)) continue;
      if (actual !== diffId) throw diffIdMismatch(layer.entry, { index, diffId, ...where(image, platform) }, actual ?? 'nothing (not read)');
    }
  }
}

async function configDiffIds(platform: ArchivePlatformImage, archive: OpenedArchive): Promise<readonly string[]> {
  const { entry, digest } = platform.config;
  const bytes = await archive.source.readSmall(entry, METADATA_LIMIT);
  const actual = digestLike(bytes, digest);
  if (actual !== undefined && actual !== digest) throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${entry}": content hashes to ${actual}, not ${digest}`);
  return parseImageConfig(bytes).diffIds;
}

function where(image: ArchiveImage, platform: ArchivePlatformImage): { platform?: string } {
  return image.platforms.length > 1 ? { platform: platformName(platform) } : {};
}
