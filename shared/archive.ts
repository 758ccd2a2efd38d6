// What an image archive holds, as shown before pushing it.
import type { Platform } from './image.js';

export type ArchiveFormat = 'docker-archive' | 'docker-archive-oci' | 'oci-archive';
export type LayerCompression = 'none' | 'gzip' | 'zstd';

export interface ArchiveBlob {
  /** Entry holding the bytes (links resolved). */
  readonly entry: string;
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

export interface ArchiveLayer {
  readonly entry: string;
  /** Bytes as stored in the archive. */
  readonly size: number;
  readonly compression: LayerCompression;
  readonly mediaType: string;
  /** Digest of the uncompressed layer (the config's rootfs.diff_ids). */
  readonly diffId: string;
  /** Digest of the stored bytes, when known without reading them. */
  readonly digest?: string;
}

export interface ArchivePlatformImage {
  readonly platform: Platform;
  readonly config: ArchiveBlob;
  readonly layers: readonly ArchiveLayer[];
  /** The source manifest (OCI layouts); docker-archive has none and gets a Docker schema 2 manifest. */
  readonly manifest?: ArchiveBlob;
  readonly created?: string;
}

export interface ArchiveImage {
  readonly id: number;
  /** RepoTags (docker-archive) or org.opencontainers.image.ref.name annotations (OCI). */
  readonly names: readonly string[];
  readonly kind: 'manifest' | 'index';
  readonly index?: ArchiveBlob;
  readonly platforms: readonly ArchivePlatformImage[];
}

export interface ArchiveInspection {
  readonly path: string;
  readonly format: ArchiveFormat;
  readonly gzipped: boolean;
  readonly images: readonly ArchiveImage[];
}
