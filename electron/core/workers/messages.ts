// Messages between the engine and its worker threads, typed in one place.
import type { ArchiveInspection } from '../../../shared/archive.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { ArchiveIndex } from '../archive/archive-source.js';
export interface GzipTask {
  readonly kind: 'gzip';
  readonly id: number;
  readonly level: number;
  readonly data: Uint8Array;
}

export type WorkerTask = GzipTask;

export type WorkerReply = { readonly id: number; readonly ok: true; readonly data: Uint8Array } | { readonly id: number; readonly ok: false; readonly message: string };

export type ArchiveWorkerReply =
  | { readonly ok: true; readonly index: ArchiveIndex; readonly inspection: ArchiveInspection }
  | { readonly ok: false; readonly error: ErrorInfo; readonly engineError: boolean };
