// Messages between the engine and its worker threads, typed in one place.
import type { ArchiveInspection } from '../../../shared/archive.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { ArchiveIndex } from '../archive/archive-source.js';

export type ArchiveWorkerReply =
  | { readonly ok: true; readonly index: ArchiveIndex; readonly inspection: ArchiveInspection }
  | { readonly ok: false; readonly error: ErrorInfo; readonly engineError: boolean };
