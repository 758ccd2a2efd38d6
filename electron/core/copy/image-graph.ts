// What one reference stands for in a registry: its manifests (children before the index that lists them) as the
// exact bytes the registry holds, and every blob they name, once each. Copy and export both start here.
import type { Descriptor, ImageManifest } from '../../../shared/image.js';
import { blobLabel, type BlobUse } from '../../../shared/push.js';
import { StevedoreError } from '../errors.js';
import { formatReference, manifestReference, type Reference } from '../reference.js';
import type { FetchedManifest, RegistryClient } from '../registry/client.js';
import { formatPlatform, pickPlatform, type PlatformChoice } from './platform.js';

export interface GraphManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly manifest: FetchedManifest['manifest'];
}

export interface GraphBlob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  readonly kind: 'config' | 'layer';
  /** Where the image uses it, for the transfers panel: `config linux/arm64`, `layer 2/5 linux/amd64`. */
  readonly label?: string;
}

export interface ImageGraph {
  /** The manifest the reference resolves to (the chosen platform's when one was asked for). */
  readonly top: GraphManifest;
  /** Every manifest to write, children first and `top` last. */
  readonly manifests: readonly GraphManifest[];
  readonly blobs: readonly GraphBlob[];
}

const NON_DISTRIBUTABLE = /\.foreign\.|nondistributable/;

/** More platforms than any real index holds: a bigger one is refused rather than walked. */
export const MAX_INDEX_ENTRIES = 1000;

/**
 * Manifest bytes one graph may hold (the index and its children; the referrers' graphs have one budget of their
 * own). A real index with its children takes a few hundred KB; a registry serving 1,000 children of 4 MB each would
 * otherwise have a copy or an export hold 4 GB.
 */
export const MAX_GRAPH_MANIFEST_BYTES = 16 * 1024 * 1024;

export class ManifestBudget {
  #left = MAX_GRAPH_MANIFEST_BYTES;

  take(manifest: FetchedManifest, name: string): void {
    this.#left -= manifest.bytes.length;
    if (this.#left < 0) throw new StevedoreError('TOO_LARGE', `${name}: its manifests take more than the ${MAX_GRAPH_MANIFEST_BYTES / 1024 / 1024} MB allowed`);
  }
}

export async function resolveGraph(client: RegistryClient, source: Reference, platform: PlatformChoice | undefined, signal?: AbortSignal): Promise<ImageGraph> {
  const name = formatReference(source);
  let top = await fetchByDigest(client, source, signal);
  if (platform && top.manifest.kind === 'index') {
    const chosen = pickPlatform(top.manifest.manifests, platform, name);
    top = await client.getManifest(source.repository, chosen.digest, signal);
  }
  return graphOf(client, source.repository, top, name, signal);
}

/**
 * A tag is resolved with HEAD and its manifest read by digest: the client's content cache answers for a manifest it
 * has seen, so copying or exporting the same image again sends no GET.
 */
async function fetchByDigest(client: RegistryClient, source: Reference, signal?: AbortSignal): Promise<FetchedManifest> {
  const reference = manifestReference(source);
  if (source.digest) return client.getManifest(source.repository, reference, signal);
  const { digest } = await client.headManifest(source.repository, reference, signal);
  return client.getManifest(source.repository, digest, signal);
}

/** The graph under a manifest already fetched (a referrer, a platform). */
export async function graphOf(client: RegistryClient, repository: string, top: FetchedManifest, name: string, signal?: AbortSignal, budget = new ManifestBudget()): Promise<ImageGraph> {
  budget.take(top, name);
  const blobs = new Map<string, GraphBlob>();
  const uses = new Map<string, BlobUse[]>();
  const manifests: GraphManifest[] = [];
  const addImage = (manifest: ImageManifest, platform?: string): void => {
    addBlob(blobs, uses, manifest.config, 'config', platform ? { platform } : {});
    // Foreign (non-distributable) layers live elsewhere, by their URLs: registries do not hold them, skopeo skips them too.
    for (const [index, layer] of manifest.layers.entries()) {
      if (!NON_DISTRIBUTABLE.test(layer.mediaType)) addBlob(blobs, uses, layer, 'layer', { index, of: manifest.layers.length, ...(platform ? { platform } : {}) });
    }
  };
  if (top.manifest.kind === 'schema1') throw new StevedoreError('UNSUPPORTED', `${name} is a Docker schema 1 manifest, which registries no longer accept; it cannot be copied as it is`);
  if (top.manifest.kind === 'index') {
    const children = top.manifest.manifests;
    if (children.length > MAX_INDEX_ENTRIES) throw new StevedoreError('TOO_LARGE', `${name} lists ${children.length} manifests, more than the ${MAX_INDEX_ENTRIES} allowed`);
    for (const child of children) {
      const fetched = await client.getManifest(repository, child.digest, signal);
      budget.take(fetched, name);
      if (fetched.manifest.kind !== 'manifest') throw new StevedoreError('UNSUPPORTED', `${name}: nested index ${child.digest} is not supported`);
      addImage(fetched.manifest, platformLabel(child));
      manifests.push(fetched);
    }
  } else {
    addImage(top.manifest);
  }
  manifests.push(top);
  return { top, manifests, blobs: [...blobs.values()].map((blob) => ({ ...blob, label: blobLabel(blob.kind, uses.get(blob.digest) ?? []) })) };
}

function addBlob(blobs: Map<string, GraphBlob>, uses: Map<string, BlobUse[]>, descriptor: Descriptor, kind: GraphBlob['kind'], use: BlobUse): void {
  if (!blobs.has(descriptor.digest)) blobs.set(descriptor.digest, { digest: descriptor.digest, size: descriptor.size, mediaType: descriptor.mediaType, kind });
  const known = uses.get(descriptor.digest);
  if (known) known.push(use);
  else uses.set(descriptor.digest, [use]);
}

/** An index entry's platform as users write it; BuildKit's attestations (`unknown/unknown`) are called what they are. */
function platformLabel(child: Descriptor): string | undefined {
  if (!child.platform) return undefined;
  return child.platform.os === 'unknown' ? 'attestation' : formatPlatform(child.platform);
}
