// OCI image layouts (oci-archive): index.json pointing at manifests or multi-arch indexes, names in
// org.opencontainers.image.ref.name, every blob under blobs/<alg>/<hex> and checked against its descriptor.
import type { ArchiveBlob, ArchiveImage, ArchiveLayer, ArchivePlatformImage } from '../../../shared/archive.js';
import type { Descriptor, Platform } from '../../../shared/image.js';
import { MediaType, isIndexMediaType } from '../../../shared/media-types.js';
import { parseManifest } from '../registry/manifest.js';
import type { ArchiveSource } from './archive-source.js';
import { METADATA_LIMIT, blobEntry, checkImageCount, configFacts, parseJsonEntry, readVerified } from './blob-checks.js';
import { sameAlgorithm } from './blob-digest.js';
import { detectCompression, type Compression } from './compression.js';
import { archiveInvalid } from './tar-entry.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

const DECLARED_COMPRESSION: Readonly<Record<string, Compression>> = {
  [MediaType.ociLayer]: 'none',
  [MediaType.ociLayerGzip]: 'gzip',
  [MediaType.ociLayerZstd]: 'zstd',
  [MediaType.dockerLayerGzip]: 'gzip',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
};

async function platformImage(source: ArchiveSource, descriptor: Descriptor, declared?: Platform): Promise<ArchivePlatformImage> {
  const entry = blobEntry(descriptor.digest);
  const bytes = await readVerified(source, entry, descriptor.digest, descriptor.size);
  const manifest = parseManifest(bytes, descriptor.mediaType);
  if (manifest.kind !== 'manifest') throw archiveInvalid(entry, 'expected an image manifest');
  const configEntry = blobEntry(manifest.config.digest);
  const configBytes = await readVerified(source, configEntry, manifest.config.digest, manifest.config.size);
  const facts = configFacts(configBytes, configEntry);
  if (facts.diffIds.length !== manifest.layers.length) throw archiveInvalid(entry, `lists ${manifest.layers.length} layers but its config has ${facts.diffIds.length} diff_ids`);
  const layers: ArchiveLayer[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const layerEntry = source.resolve(blobEntry(layer.digest));
    if (layerEntry.size !== layer.size) throw archiveInvalid(layerEntry.name, `is ${layerEntry.size} bytes, the manifest says ${layer.size}`);
    if (layerEntry.digest && sameAlgorithm(layerEntry.digest, layer.digest) && layerEntry.digest !== layer.digest) throw archiveInvalid(layerEntry.name, `content hashes to ${layerEntry.digest}, not ${layer.digest}`);
    const compression = detectCompression(await source.head(layerEntry.name));
    const declaredCompression = DECLARED_COMPRESSION[layer.mediaType];
    if (declaredCompression !== undefined && declaredCompression !== compression) {
      throw archiveInvalid(layerEntry.name, `media type ${layer.mediaType} says ${declaredCompression}, the bytes are ${compression}`);
    }
    layers.push({ entry: layerEntry.name, size: layer.size, compression, mediaType: layer.mediaType, diffId: facts.diffIds[i] as string, digest: layer.digest });
  }
  const blob = (e: string, d: Descriptor): ArchiveBlob => ({ entry: e, digest: d.digest, size: d.size, mediaType: d.mediaType });
  return {
    platform: declared ?? facts.platform,
    config: blob(configEntry, manifest.config),
    layers,
    manifest: { entry, digest: descriptor.digest, size: descriptor.size, mediaType: manifest.mediaType },
    ...(facts.created ? { created: facts.created } : {}),
  };
}

export async function readOciArchive(source: ArchiveSource): Promise<ArchiveImage[]> {
  const layout = parseJsonEntry(await source.readSmall('oci-layout', 4096), 'oci-layout') as { imageLayoutVersion?: unknown };
  if (typeof layout.imageLayoutVersion !== 'string') throw archiveInvalid('oci-layout', 'has no imageLayoutVersion');
  const indexBytes = await source.readSmall('index.json', METADATA_LIMIT);
  const index = parseManifest(indexBytes, MediaType.ociIndex);
  if (index.kind !== 'index') throw archiveInvalid('index.json', 'is not an image index');
  if (index.manifests.length === 0) throw archiveInvalid('index.json', 'lists no images');
  checkImageCount(index.manifests.length, 'index.json');

  // The same image may be listed under several names.
  const byDigest = new Map<string, { descriptor: Descriptor; names: string[] }>();
  for (const descriptor of index.manifests) {
    const name = descriptor.annotations?.[REF_NAME];
    const known = byDigest.get(descriptor.digest);
    if (known) {
      if (name) known.names.push(name);
    } else {
      byDigest.set(descriptor.digest, { descriptor, names: name ? [name] : [] });
    }
  }
  const images: ArchiveImage[] = [];
  let readImages = byDigest.size;
  for (const { descriptor, names } of byDigest.values()) {
    if (isIndexMediaType(descriptor.mediaType)) {
      const entry = blobEntry(descriptor.digest);
      const bytes = await readVerified(source, entry, descriptor.digest, descriptor.size);
      const nested = parseManifest(bytes, descriptor.mediaType);
      if (nested.kind !== 'index') throw archiveInvalid(entry, 'expected an image index');
      // Counted over the whole archive: every platform of every index is an image to read.
      readImages += nested.manifests.length;
      checkImageCount(readImages, entry);
      const platforms: ArchivePlatformImage[] = [];
      for (const child of nested.manifests) {
        if (isIndexMediaType(child.mediaType)) throw archiveInvalid(entry, 'nested indexes more than one level deep are not supported');
        platforms.push(await platformImage(source, child, child.platform));
      }
      images.push({ id: images.length, names, kind: 'index', index: { entry, digest: descriptor.digest, size: descriptor.size, mediaType: nested.mediaType }, platforms });
    } else {
      images.push({ id: images.length, names, kind: 'manifest', platforms: [await platformImage(source, descriptor, descriptor.platform)] });
    }
  }
  return images;
}
