// Moves one blob to the destination the cheapest way: nothing when it is there (HEAD), a cross-repository mount
// within one registry, else the source GET streamed into one resuming upload request (or chunks, when asked).
import type { BlobAction, BlobProgress } from '../../../shared/push.js';
import type { RetryPolicy } from '../http/retry.js';
import type { BufferPool } from '../push/buffer-pool.js';
import { uploadBlob } from '../push/blob-upload.js';
import type { ProgressReporter } from '../push/progress.js';
import type { RegistryClient } from '../registry/client.js';
import type { UploadSessions } from '../registry/upload-session.js';
import type { GraphBlob } from './image-graph.js';
import { readBlob } from './source-blob.js';
import { SourceBlobStream } from './source-stream.js';

export interface BlobRoute {
  readonly source: RegistryClient;
  readonly sourceRepository: string;
  readonly target: RegistryClient;
  readonly targetRepository: string;
}

export interface PlannedBlob {
  readonly blob: GraphBlob;
  readonly action: Exclude<BlobAction, 'compress'>;
}

/** Same registry, so a mount can replace a transfer: one client for both sides, or the same registry name. */
export function sameRegistry(route: BlobRoute): boolean {
  return route.source === route.target || route.source.registry === route.target.registry;
}

export async function planBlob(blob: GraphBlob, route: BlobRoute, signal?: AbortSignal): Promise<PlannedBlob> {
  if ((await route.target.headBlob(route.targetRepository, blob.digest, signal, true)) !== undefined) return { blob, action: 'skip' };
  const mount = sameRegistry(route) && route.sourceRepository !== route.targetRepository;
  return { blob, action: mount ? 'mount' : 'upload' };
}

export function initialProgress({ blob, action }: PlannedBlob): BlobProgress {
  const skipped = action === 'skip';
  return { id: blob.digest, kind: blob.kind, action, state: skipped ? 'skipped' : 'waiting', bytesDone: skipped ? blob.size : 0, bytesTotal: blob.size, bytesSent: 0, digest: blob.digest, ...(blob.label ? { label: blob.label } : {}) };
}

export interface TransferContext {
  readonly route: BlobRoute;
  readonly sessions: UploadSessions;
  readonly reporter: ProgressReporter;
  readonly buffers: BufferPool;
  /** PATCH chunks of this size; without it each blob streams in one request. */
  readonly chunkSize?: number;
  readonly retry?: RetryPolicy;
  readonly signal: AbortSignal;
}

/** Bytes sent to the destination for this blob (0 when skipped or mounted). */
export async function transferBlob(planned: PlannedBlob, context: TransferContext): Promise<number> {
  const { blob } = planned;
  const { reporter, sessions, route, signal } = context;
  if (planned.action === 'skip') return 0;
  if (planned.action === 'mount') {
    const started = await sessions.start(signal, { digest: blob.digest, from: route.sourceRepository });
    if (started.kind === 'mounted') {
      reporter.update(blob.digest, { state: 'mounted', bytesDone: blob.size });
      return 0;
    }
    // Mount refused, a session opened instead: let it go and stream the blob.
    await sessions.cancel(started.location, signal);
  }
  reporter.update(blob.digest, { action: 'upload', state: 'uploading', bytesDone: 0, bytesSent: 0 });
  const source = { client: route.source, repository: route.sourceRepository, digest: blob.digest, size: blob.size };
  const onRead = (bytes: number): void => reporter.add(blob.digest, bytes, 0);
  const retry = context.retry ? { retry: context.retry } : {};
  const read = (): AsyncIterable<Uint8Array> => readBlob(source, { signal, onRead, ...retry });
  // Streamed whole, the GET's chunks go to the PATCH as they come, checked on the way (no generator per chunk).
  const stream = (skip: number, onPassed: (bytes: number) => void): SourceBlobStream => new SourceBlobStream(source, { signal, onRead, onPassed, skip, ...retry });
  try {
    const uploaded = await uploadBlob(
      sessions,
      // readBlob checks the digest before its last chunk is taken: the upload need not hash the bytes again.
      { label: `blob ${blob.digest}`, restartable: true, digest: blob.digest, verified: true, size: blob.size, open: read, stream },
      {
        ...(context.chunkSize !== undefined ? { chunkSize: context.chunkSize } : {}),
        pool: context.buffers,
        signal,
        ...(context.retry ? { retry: context.retry } : {}),
        onSent: (n) => reporter.add(blob.digest, 0, n),
        onRestart: () => reporter.update(blob.digest, { bytesDone: 0, bytesSent: 0 }),
      },
    );
    reporter.update(blob.digest, { state: 'done', bytesDone: blob.size });
    return uploaded.size;
  } catch (error) {
    reporter.update(blob.digest, { state: 'failed' });
    throw error;
  }
}
