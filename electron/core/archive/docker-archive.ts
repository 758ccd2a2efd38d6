// docker save archives: manifest.json naming a config and layers, either as <id>/layer.tar files (legacy) or as
// blobs/sha256/<hex> of an OCI layout (Docker 25+), layers uncompressed or gzip.
import type { ArchiveImage, ArchiveLayer } from '../../../shared/archive.js';
import { MediaType } from '../../../shared/media-types.js';
import { digestOf } from '../digest.js';
import type { ArchiveSource } from './archive-source.js';
import { METADATA_LIMIT, checkImageCount, configFacts, digestFromBlobPath, parseJsonEntry } from './blob-checks.js';
import { hashAlgorithm, hashAs, sameAlgorithm } from './blob-digest.js';
import { detectCompression } from './compression.js';
import { archiveInvalid } from './tar-entry.js';

interface DockerManifestEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[];
  readonly Layers: readonly string[];
}

function readManifestJson(value: unknown): DockerManifestEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw archiveInvalid('manifest.json', 'is not a non-empty list of images');
  checkImageCount(value.length, 'manifest.json');
  return value.map((item: unknown, i) => {
    const entry = item as Record<string, unknown> | null;
    if (typeof entry?.Config !== 'string') throw archiveInvalid('manifest.json', `image ${i} has no Config`);
    if (!Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) throw archiveInvalid('manifest.json', `image ${i} has no Layers list`);
    const tags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: entry.Config, RepoTags: tags, Layers: entry.Layers as string[] };
  });
}

const LAYER_MEDIA_TYPE = { none: 'application/vnd.docker.image.rootfs.diff.tar', gzip: MediaType.dockerLayerGzip, zstd: MediaType.ociLayerZstd } as const;

export async function readDockerArchive(source: ArchiveSource): Promise<ArchiveImage[]> {
  const manifest = readManifestJson(parseJsonEntry(await source.readSmall('manifest.json', METADATA_LIMIT), 'manifest.json'));
  const images: ArchiveImage[] = [];
  for (const [id, item] of manifest.entries()) {
    const configEntry = source.resolve(item.Config);
    const configBytes = await source.readSmall(item.Config, METADATA_LIMIT);
    const configDigest = digestOf(configBytes);
    // Legacy archives name the config <hex>.json, Docker 25+ blobs/sha256/<hex>: either way the name is its digest.
    const named = digestFromBlobPath(configEntry.name) ?? (/^([a-f0-9]{64})\.json$/.exec(configEntry.name) ? `sha256:${configEntry.name.slice(0, 64)}` : undefined);
    const namedAlgorithm = named ? hashAlgorithm(named) : undefined;
    if (named && namedAlgorithm && hashAs(configBytes, namedAlgorithm) !== named) throw archiveInvalid(item.Config, `content hashes to ${hashAs(configBytes, namedAlgorithm)}, not ${named}`);
    const facts = configFacts(configBytes, item.Config);
    if (facts.diffIds.length !== item.Layers.length) {
      throw archiveInvalid('manifest.json', `image ${id} lists ${item.Layers.length} layers but its config has ${facts.diffIds.length} diff_ids`);
    }
    const layers: ArchiveLayer[] = [];
    for (const [i, path] of item.Layers.entries()) {
      const entry = source.resolve(path);
      const compression = detectCompression(await source.head(path));
      const diffId = facts.diffIds[i] as string;
      const namedDigest = digestFromBlobPath(entry.name);
      if (entry.digest && namedDigest && sameAlgorithm(entry.digest, namedDigest) && entry.digest !== namedDigest) throw archiveInvalid(path, `content hashes to ${entry.digest}, not ${namedDigest}`);
      if (compression === 'none' && entry.digest && sameAlgorithm(entry.digest, diffId) && entry.digest !== diffId) throw archiveInvalid(path, `content hashes to ${entry.digest}, not the config's diff_id ${diffId}`);
      const digest = compression === 'none' ? diffId : (namedDigest ?? entry.digest);
      layers.push({ entry: entry.name, size: entry.size, compression, mediaType: LAYER_MEDIA_TYPE[compression], diffId, ...(digest ? { digest } : {}) });
    }
    images.push({
      id,
      names: item.RepoTags,
      kind: 'manifest',
      platforms: [{ platform: facts.platform, config: { entry: configEntry.name, digest: configDigest, size: configBytes.length, mediaType: MediaType.dockerConfig }, layers, ...(facts.created ? { created: facts.created } : {}) }],
    });
  }
  return images;
}
