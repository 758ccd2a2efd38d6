// The small documents of an exported tarball: the OCI layout's `oci-layout` and `index.json`, and docker save's
// `manifest.json` and `repositories` (the legacy layout every `docker load` and `podman load` reads).
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

function hexOf(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) throw new StevedoreError('INVALID_RESPONSE', `"${digest}" cannot name a file in an archive`);
  return hex;
}

/** `blobs/<algorithm>/<hex>`, the OCI layout's path for a digest. */
export function blobPath(digest: string): string {
  return `blobs/${digest.split(':')[0] ?? ''}/${hexOf(digest)}`;
}

/** docker save's paths: the config as `<hex>.json`, each layer as `<diff_id hex>/layer.tar`. */
export const configPath = (digest: string): string => `${hexOf(digest)}.json`;
export const layerPath = (diffId: string): string => `${hexOf(diffId)}/layer.tar`;

/** The name docker load gives the image: the reference as written, `:latest` when it had neither tag nor digest. */
export function repoTag(reference: Reference): string | undefined {
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

export interface DockerEntry {
  readonly reference: Reference;
  readonly configDigest: string;
  readonly diffIds: readonly string[];
}

export function dockerManifestJson(entries: readonly DockerEntry[]): Buffer {
  return Buffer.from(
    JSON.stringify(
      entries.map((entry) => {
        const name = repoTag(entry.reference);
        return { Config: configPath(entry.configDigest), RepoTags: name ? [name] : [], Layers: entry.diffIds.map(layerPath) };
      }),
    ),
  );
}

/** `{ repository: { tag: top layer id } }`: what docker load read before manifest.json existed. */
export function dockerRepositories(entries: readonly DockerEntry[]): Buffer {
  const repositories: Record<string, Record<string, string>> = {};
  for (const entry of entries) {
    const top = entry.diffIds.at(-1);
    if (!entry.reference.tag || !top) continue;
    const repository = formatReference({ registry: entry.reference.registry, repository: entry.reference.repository });
    (repositories[repository] ??= {})[entry.reference.tag] = hexOf(top);
  }
  return Buffer.from(JSON.stringify(repositories));
}

/** The config's rootfs.diff_ids, one per layer of the manifest, each a sha256 digest. */
export function diffIdsOf(config: Buffer, layers: number, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.toString('utf8'));
  } catch {
    throw new StevedoreError('INVALID_RESPONSE', `${what}: the image config is not JSON`);
  }
  const diffIds = (parsed as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== layers || !diffIds.every((d) => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d))) {
    throw new StevedoreError('INVALID_RESPONSE', `${what}: the image config's rootfs.diff_ids do not list one sha256 digest per layer`);
  }
  return diffIds as string[];
}
