// What an image is, in sizes: its manifest digest, its platforms with their layers, and the total stored bytes.
import type { Descriptor, ImageConfig, ImageManifest, ImageSummary, LayerInfo, Platform, PlatformImage, Schema1Manifest } from '../../../shared/image.js';
import { MediaType } from '../../../shared/media-types.js';
import { mapLimit } from '../concurrency.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { formatReference, manifestReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { SummaryReads, distinctChildren } from './summary-reads.js';

const IMAGE_CONFIG_TYPES = new Set<string>([MediaType.dockerConfig, MediaType.ociConfig]);
const UNKNOWN_PLATFORM: Platform = { os: 'unknown', architecture: 'unknown' };

export interface SummaryOptions {
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
}

export interface PlatformDetails extends PlatformImage {
  readonly config?: ImageConfig;
}

export interface ImageDetails extends ImageSummary {
  readonly platforms: readonly PlatformDetails[];
}

export async function imageSummary(client: RegistryClient, ref: Reference, options: SummaryOptions = {}): Promise<ImageDetails> {
  return (await summarizeImage(client, ref, options)).details;
}

/** The summary and the manifest bytes it was made from, for views that also show the raw manifest. */
export async function summarizeImage(client: RegistryClient, ref: Reference, options: SummaryOptions = {}): Promise<{ details: ImageDetails; manifestBytes: Buffer }> {
  const { repository } = ref;
  const fetched = await client.getManifest(repository, manifestReference(ref), options.signal);
  const { manifest } = fetched;
  const what = formatReference(ref);
  const reads = new SummaryReads(what);
  let platforms: PlatformDetails[];
  if (manifest.kind === 'index') {
    const children = await mapLimit(distinctChildren(what, manifest.manifests), options.concurrency ?? 4, (descriptor) => childImage(client, repository, descriptor, reads, options.signal), options.signal);
    platforms = children.filter((p): p is PlatformDetails => p !== undefined);
  } else if (manifest.kind === 'manifest') {
    platforms = [await platformImage(client, repository, fetched.digest, manifest, undefined, false, reads, options.signal)];
  } else {
    platforms = [await schema1Image(client, repository, fetched.digest, manifest, options)];
  }
  const created = platforms
    .filter((p) => !p.isAttestation)
    .map((p) => p.created)
    .filter((c): c is string => c !== undefined)
    .sort()
    .pop();
  const details: ImageDetails = {
    registry: client.registry,
    repository,
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    kind: manifest.kind === 'index' ? 'index' : 'manifest',
    platforms,
    totalSize: distinctBlobBytes(platforms),
    ...(created ? { created } : {}),
  };
  return { details, manifestBytes: fetched.bytes };
}

/** Every blob counted once: layers shared between platforms are stored once. */
export function distinctBlobBytes(platforms: readonly PlatformImage[]): number {
  const sizes = new Map<string, number>();
  for (const p of platforms) {
    for (const layer of p.layers) sizes.set(layer.digest, layer.size);
    sizes.set(p.configDigest, p.size - p.layers.reduce((sum, l) => sum + l.size, 0));
  }
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

async function childImage(client: RegistryClient, repository: string, descriptor: Descriptor, reads: SummaryReads, signal?: AbortSignal): Promise<PlatformDetails | undefined> {
  const child = await client.getManifest(repository, descriptor.digest, signal);
  reads.count(child.bytes.length);
  if (child.manifest.kind !== 'manifest') return undefined;
  const attestation = descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown');
  return platformImage(client, repository, child.digest, child.manifest, descriptor.platform, attestation, reads, signal);
}

async function platformImage(
  client: RegistryClient,
  repository: string,
  digest: string,
  manifest: ImageManifest,
  declared: Platform | undefined,
  isAttestation: boolean,
  reads: SummaryReads,
  signal?: AbortSignal,
): Promise<PlatformDetails> {
  const layers: LayerInfo[] = manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size }));
  let config: ImageConfig | undefined;
  if (!isAttestation && IMAGE_CONFIG_TYPES.has(manifest.config.mediaType)) {
    config = await reads.config(client, repository, manifest.config.digest, signal);
  }
  const platform = declared ?? (config ? platformOf(config) : UNKNOWN_PLATFORM);
  return {
    platform,
    digest,
    mediaType: manifest.mediaType,
    configDigest: manifest.config.digest,
    layers,
    size: manifest.config.size + layers.reduce((sum, l) => sum + l.size, 0),
    ...(config?.created ? { created: config.created } : {}),
    isAttestation,
    ...(config ? { config } : {}),
  };
}

async function schema1Image(client: RegistryClient, repository: string, digest: string, manifest: Schema1Manifest, options: SummaryOptions): Promise<PlatformDetails> {
  // Schema 1 manifests carry no sizes: ask the registry for each distinct layer.
  const distinct = [...new Set(manifest.layerDigests)];
  const sizes = await mapLimit(distinct, options.concurrency ?? 4, (d) => client.headBlob(repository, d, options.signal), options.signal);
  const sizeOf = new Map(distinct.map((d, i) => [d, sizes[i] ?? 0]));
  const layers = manifest.layerDigests.map((d) => ({ digest: d, mediaType: MediaType.dockerLayerGzip, size: sizeOf.get(d) ?? 0 }));
  const newest = manifest.history[manifest.history.length - 1];
  let created: string | undefined;
  try {
    const parsed = newest ? (JSON.parse(newest) as { created?: unknown }) : {};
    if (typeof parsed.created === 'string') created = parsed.created;
  } catch {
    created = undefined;
  }
  return {
    platform: { os: 'linux', architecture: manifest.architecture },
    digest,
    mediaType: manifest.mediaType,
    configDigest: digest,
    layers,
    size: layers.reduce((sum, l) => sum + l.size, 0),
    ...(created ? { created } : {}),
    isAttestation: false,
  };
}

function platformOf(config: ImageConfig): Platform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

export type TagSummary = { readonly tag: string; readonly summary: ImageSummary } | { readonly tag: string; readonly error: ErrorInfo };

/** Summaries of many tags at once; a tag that fails to load is reported, not fatal to the list. */
export async function tagSummaries(client: RegistryClient, repository: string, tags: readonly string[], options: SummaryOptions = {}): Promise<TagSummary[]> {
  return mapLimit(
    tags,
    options.concurrency ?? 16,
    async (tag): Promise<TagSummary> => {
      try {
        const details = await imageSummary(client, { registry: client.registry, repository, tag }, { ...options, concurrency: 2 });
        return { tag, summary: withoutConfigs(details) };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (error instanceof StevedoreError && ['AUTH_REQUIRED', 'AUTH_FAILED', 'NETWORK', 'TLS'].includes(error.code)) throw error;
        return { tag, error: toErrorInfo(error) };
      }
    },
    options.signal,
  );
}

export function withoutConfigs(details: ImageDetails): ImageSummary {
  return { ...details, platforms: details.platforms.map(({ config: _config, ...rest }) => rest) };
}
