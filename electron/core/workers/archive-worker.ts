// Worker thread: reads an archive's structure (tar headers; for a gzip-wrapped archive, the whole decompressing,
// hashing pass) and describes its images, off the thread that serves the UI. Bundled to one file by the build.
import { parentPort, workerData } from 'node:worker_threads';
import { indexArchive, sourceFromIndex } from '../archive/archive-source.js';
import { describeArchive } from '../archive/inspect-archive.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import type { ArchiveWorkerReply } from './messages.js';

const { path } = workerData as { path: string };
let reply: ArchiveWorkerReply;
try {
  const index = await indexArchive(path);
  reply = { ok: true, index, inspection: await describeArchive(sourceFromIndex(index)) };
} catch (error) {
  reply = { ok: false, error: toErrorInfo(error), engineError: error instanceof StevedoreError };
}
parentPort?.postMessage(reply);
