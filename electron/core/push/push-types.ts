// What a push takes: the image and target, the engine's parts, and the settings (with their defaults).
import type { ArchiveImage } from '../../../shared/archive.js';
import type { PushEvent } from '../../../shared/push.js';
import type { OpenedArchive } from '../archive/inspect-archive.js';
import type { Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import type { GzipEngine } from '../workers/gzip-types.js';
import type { CompressionChoice } from './blob-plan.js';
import type { BufferPool } from './buffer-pool.js';
import type { LayerCache } from './layer-cache.js';

export interface PushSettings {
  readonly jobs: number;
  readonly compression: CompressionChoice;
  readonly chunkSize: number;
  /** Gzip level; by default the engine's own (libdeflate 1 and zlib 2 both beat skopeo's size). */
  readonly level?: number;
  readonly blockSize: number;
  /** Blocks of one layer in flight at once; by default the engine's window (one per compressor, zlib one more). */
  readonly window?: number;
}

export const DEFAULT_PUSH_SETTINGS: PushSettings = { jobs: 4, compression: 'gzip', chunkSize: 4 * 1024 * 1024, blockSize: 1024 * 1024 };

export interface PushDeps {
  readonly client: RegistryClient;
  readonly gzip: GzipEngine;
  readonly layers?: LayerCache;
  /** Where the push's blocks, members and chunks come from and go back to; a fresh pool per push by default. */
  readonly buffers?: BufferPool;
}

export interface PushImageRequest {
  readonly jobId: string;
  readonly archive: OpenedArchive;
  readonly image: ArchiveImage;
  readonly target: Reference;
  readonly emit: (event: PushEvent) => void;
  readonly signal?: AbortSignal;
}
