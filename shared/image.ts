// Image domain types shown by the CLI and the UI: manifests, platforms, sizes, configs.
import type { ErrorInfo } from './errors.js';
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageManifest {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Docker schema 1: read only. Layer sizes are not in the manifest. */
export interface Schema1Manifest {
  readonly kind: 'schema1';
  readonly mediaType: string;
  readonly architecture: string;
  readonly layerDigests: readonly string[];
  readonly history: readonly string[];
}

export type Manifest = ImageManifest | ImageIndex | Schema1Manifest;

export interface HistoryEntry {
  readonly created?: string;
  readonly createdBy?: string;
  readonly comment?: string;
  readonly emptyLayer: boolean;
}

export interface ImageConfig {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly created?: string;
  readonly author?: string;
  readonly env: readonly string[];
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly exposedPorts: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly diffIds: readonly string[];
  readonly history: readonly HistoryEntry[];
}

export interface LayerInfo {
  readonly digest: string;
  readonly mediaType: string;
  /** Compressed size as stored in the registry. */
  readonly size: number;
}

export interface PlatformImage {
  readonly platform: Platform;
  readonly digest: string;
  readonly mediaType: string;
  readonly configDigest: string;
  readonly layers: readonly LayerInfo[];
  /** Config plus layers, compressed. */
  readonly size: number;
  readonly created?: string;
  /** Attestations and signatures stored next to platform images (platform unknown/unknown). */
  readonly isAttestation: boolean;
}

/** What a platform's layers add up to, compressed: the sum of the rows a layer table lists (its `size` adds the config). */
export function layerBytes(image: { readonly layers: readonly LayerInfo[] }): number {
  let total = 0;
  for (const layer of image.layers) total += layer.size;
  return total;
}

export interface ImageSummary {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: 'manifest' | 'index';
  readonly platforms: readonly PlatformImage[];
  /** Bytes stored for the whole image: every distinct blob counted once, shared layers included once. */
  readonly totalSize: number;
  readonly created?: string;
}

/** One platform of a tag as the tag list shows it: no layers, no config. */
export interface TagPlatform {
  readonly platform: Platform;
  readonly digest: string;
  /** Config plus layers, compressed. */
  readonly size: number;
  readonly created?: string;
}

/** What a tag list needs of one tag: small enough to hold for 150,000 tags at once. */
export interface TagInfo {
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: 'manifest' | 'index';
  /** Every distinct blob counted once. */
  readonly totalSize: number;
  readonly created?: string;
  /** Platform images, attestations left out. */
  readonly platforms: readonly TagPlatform[];
}

/** A tag's summary, or why it could not be read; one bad tag never fails the list. */
export type TagRow = { readonly tag: string; readonly info: TagInfo } | { readonly tag: string; readonly error: ErrorInfo };
