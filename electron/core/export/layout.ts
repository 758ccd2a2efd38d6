// The small documents of an exported tarball: the OCI layout's `oci-layout` and `index.json`, and docker save's
// `manifest.json` (Config and Layers as paths into the layout, as Docker 25+ writes them).
import { MediaType } from '../../../shared/media-types.js';
import { StevedoreError } from '../errors.js';
import { formatReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import type { ImageGraph } from '../copy/image-graph.js';

export interface ExportedImage {
  readonly reference: Reference;
  readonly client: RegistryClient;
  readonly graph: ImageGraph;
}

export const OCI_LAYOUT = Buffer.from('{"imageLayoutVersion":"1.0.0"}');

/** `blobs/<algorithm>/<hex>`, the layout's path for a digest. */
export function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) throw new StevedoreError('INVALID_RESPONSE', `"${digest}" cannot name a file in an OCI layout`);
  return `blobs/${algorithm}/${hex}`;
}

/** The name docker load gives the image: the reference as written, with `:latest` when it had neither tag nor digest. */
function repoTag(reference: Reference): string | undefined {
  if (reference.digest && !reference.tag) return undefined;
  return formatReference({ registry: reference.registry, repository: reference.repository, tag: reference.tag ?? 'latest' });
}

export function layoutIndex(images: readonly ExportedImage[]): Buffer {
  const manifests = images.map(({ reference, graph }) => {
    const name = repoTag(reference);
    return {
      mediaType: graph.top.mediaType,
      digest: graph.top.digest,
      size: graph.top.bytes.length,
      ...(name ? { annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': reference.tag ?? 'latest' } } : {}),
    };
  });
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
}

export function dockerManifestJson(images: readonly ExportedImage[]): Buffer {
  const entries = images.map(({ reference, graph }) => {
    const manifest = graph.top.manifest;
    if (manifest.kind !== 'manifest') throw new StevedoreError('INVALID_ARGUMENT', `${formatReference(reference)} is an index: a docker-archive holds one platform of it`);
    const name = repoTag(reference);
    return { Config: blobPath(manifest.config.digest), RepoTags: name ? [name] : [], Layers: manifest.layers.map((l) => blobPath(l.digest)) };
  });
  // Two references to one image in one entry each is what docker save writes too.
  return Buffer.from(JSON.stringify(entries));
}
