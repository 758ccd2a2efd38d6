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
}

export interface PushProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  readonly rate: number;
  readonly etaSeconds?: number;
}

export type PushEvent =
  | { readonly type: 'plan'; readonly jobId: string; readonly target: string; readonly blobs: readonly BlobProgress[] }
  | { readonly type: 'progress'; readonly jobId: string; readonly target: string; readonly blobs: readonly BlobProgress[]; readonly overall: PushProgress }
  | { readonly type: 'pushed'; readonly jobId: string; readonly target: string; readonly digest: string }
  | { readonly type: 'failed'; readonly jobId: string; readonly target: string; readonly error: ErrorInfo };
