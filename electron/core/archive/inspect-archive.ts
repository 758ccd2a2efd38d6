// Opens an image archive of any supported kind and says what it holds. The reading happens on a worker thread: a
// gzip-wrapped archive means decompressing and hashing every byte, which must not hold up the thread serving the UI.
// A plain tar of a few entries (what docker save writes for most images) is a few header reads, done here.
import type { ArchiveInspection } from '../../../shared/archive.js';
import { StevedoreError } from '../errors.js';
import type { ArchiveWorkerReply } from '../workers/messages.js';
import { unpackedUrl } from '../workers/pool.js';
import { indexSmallPlainTar, openArchive, sourceFromIndex, type ArchiveSource } from './archive-source.js';
import { readDockerArchive } from './docker-archive.js';
import { readOciArchive } from './oci-archive.js';
import { archiveInvalid } from './tar-entry.js';

export interface OpenedArchive {
  readonly source: ArchiveSource;
  readonly inspection: ArchiveInspection;
}

export async function describeArchive(source: ArchiveSource): Promise<ArchiveInspection> {
  const hasDockerManifest = source.entries.has('manifest.json');
  const hasOciLayout = source.entries.has('oci-layout') && source.entries.has('index.json');
  if (hasDockerManifest) {
    return { path: source.path, format: hasOciLayout ? 'docker-archive-oci' : 'docker-archive', gzipped: source.gzipped, images: await readDockerArchive(source) };
  }
  if (hasOciLayout) return { path: source.path, format: 'oci-archive', gzipped: source.gzipped, images: await readOciArchive(source) };
  throw archiveInvalid('', 'not an image archive: neither a docker-archive (no manifest.json) nor an oci-archive (no oci-layout and index.json); save the image with docker save -o FILE IMAGE, or skopeo copy IMAGE docker-archive:FILE');
}

/** The same reading on the calling thread. */
export async function inspectArchiveHere(path: string, signal?: AbortSignal): Promise<OpenedArchive> {
  const source = await openArchive(path, signal);
  return { source, inspection: await describeArchive(source) };
}

const WORKER = unpackedUrl(new URL('../workers/archive-worker.bundle.mjs', import.meta.url));

/** Entries a plain tar may have and still be indexed on the calling thread. */
const INLINE_ENTRIES = 256;

let liveReaders = 0;

/** Archive-reading worker threads not yet exited (a cancelled read must leave none behind). */
export function liveArchiveReaders(): number {
  return liveReaders;
}

/**
 * Reads an archive on a worker thread. Cancelling terminates the worker whatever it is doing, even a long synchronous
 * loop: the promise settles only once the thread has exited.
 */
export async function inspectArchive(path: string, signal?: AbortSignal): Promise<OpenedArchive> {
  signal?.throwIfAborted();
  // Anything the quick look cannot settle (errors included) is read on the worker, which says what is wrong.
  const small = await indexSmallPlainTar(path, INLINE_ENTRIES, signal);
  if (small) {
    const source = sourceFromIndex(small);
    return { source, inspection: await describeArchive(source) };
  }
  // worker_threads loads only here: a plain tar of a few entries (most pushes) needs no thread.
  const { Worker } = await import('node:worker_threads');
  signal?.throwIfAborted();
  const worker = new Worker(WORKER, { workerData: { path } });
  liveReaders++;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => liveReaders--);
  const onAbort = (): void => void worker.terminate();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reply = await new Promise<ArchiveWorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(signal?.aborted ? signal.reason : new StevedoreError('INTERNAL', `the archive reader stopped (exit code ${code})`)));
    });
    if (!reply.ok) throw reply.engineError ? new StevedoreError(reply.error.code, reply.error.message, reply.error.details) : new Error(reply.error.message);
    return { source: sourceFromIndex(reply.index), inspection: reply.inspection };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
    await exited;
  }
}
