// A push job as the CLI and the UI see it: the plan, per-blob states and bytes, overall rate and ETA.
import type { ErrorInfo } from './errors.js';

export type BlobAction = 'upload' | 'compress' | 'skip' | 'mount';
export type BlobState = 'waiting' | 'compressing' | 'uploading' | 'skipped' | 'mounted' | 'done' | 'failed';

export interface BlobProgress {
  /** Stable within the job: the archive entry, or `config:<digest>`. */
  readonly id: string;
  readonly kind: 'config' | 'layer';
  readonly action: BlobAction;
  readonly state: BlobState;
  /** Bytes of the source read so far (uncompressed for layers compressed on the way). */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes sent to the registry. */
  readonly bytesSent: number;
  /** Digest in the registry, once known. */
  readonly digest?: string;
  readonly diffId?: string;
  /** Which blob of the image this is, for people: `config linux/arm64`, `layer 2/5 linux/amd64`. */
  readonly label?: string;
}

/** One place a blob is used in an image: its platform (of an index) and, for a layer, its position. */
export interface BlobUse {
  readonly platform?: string;
  /** 0-based position among the manifest's layers. */
  readonly index?: number;
  readonly of?: number;
}

/**
 * Names a blob by where it is used, so the rows of a multi-arch transfer can be told apart: `config linux/arm64`,
 * `layer 2/5 linux/amd64`, and `(+1 platform)` for a blob several platforms share (sent once).
 */
export function blobLabel(kind: BlobProgress['kind'], uses: readonly BlobUse[]): string {
  const [first] = uses;
  const position = kind === 'layer' && first?.index !== undefined ? ` ${first.index + 1}${first.of !== undefined ? `/${first.of}` : ''}` : '';
  const platform = first?.platform ? ` ${first.platform}` : '';
  const others = new Set(uses.slice(1).map((u) => u.platform).filter((p) => p !== undefined && p !== first?.platform)).size;
  return `${kind}${position}${platform}${others > 0 ? ` (+${others} platform${others === 1 ? '' : 's'})` : ''}`;
}

export interface PushProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  readonly rate: number;
  readonly etaSeconds?: number;
}

export type PushEvent =
  /** `compressor`: what gzips the plan's layers to compress (`libdeflate 1.22`, or zlib, the slower fallback), when any. */
  | { readonly type: 'plan'; readonly jobId: string; readonly target: string; readonly blobs: readonly BlobProgress[]; readonly compressor?: string }
  | { readonly type: 'progress'; readonly jobId: string; readonly target: string; readonly blobs: readonly BlobProgress[]; readonly overall: PushProgress }
  | { readonly type: 'pushed'; readonly jobId: string; readonly target: string; readonly digest: string }
  | { readonly type: 'failed'; readonly jobId: string; readonly target: string; readonly error: ErrorInfo };
