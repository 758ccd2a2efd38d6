// Indexes a layer on a worker thread: this thread reads the blob (and verifies its digest as it streams), the worker
// decompresses, parses and hashes. A few chunks are in flight at most, so memory stays flat; a failure or an abort on
// either side ends both.
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { StevedoreError } from '../errors.js';
import { unpackedUrl } from '../workers/pool.js';
import type { IndexedTar, IndexLayerOptions } from './index-layer.js';
import type { IndexWorkerIn, IndexWorkerOut } from './index-worker-messages.js';

// Bundled (build/bundle.mjs) beside the other workers, which the packaged app unpacks from its asar.
const WORKER = unpackedUrl(new URL('../workers/xray-index-worker.bundle.mjs', import.meta.url));
const IN_FLIGHT = 4;

export function indexLayerInWorker(blob: Readable, options: IndexLayerOptions = {}): Promise<IndexedTar> {
  options.signal?.throwIfAborted();
  // A small young generation keeps each worker's memory near what it holds: chunks pass through and are garbage at once.
  const worker = new Worker(WORKER, { workerData: { limits: options.limits }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const send = (message: IndexWorkerIn, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);
  let inFlight = 0;
  return new Promise<IndexedTar>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, result?: IndexedTar): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      blob.off('data', onData);
      // The blob stays open on failure: its owner may read it to the end to check its digest, and closes it.
      void worker.terminate();
      if (error !== undefined) reject(error);
      else resolve(result as IndexedTar);
    };
    const onAbort = (): void => finish(options.signal?.reason ?? new StevedoreError('CANCELLED', 'cancelled'));
    const onData = (chunk: Buffer): void => {
      // A chunk that owns its whole buffer moves to the worker; one that shares a larger (pooled) buffer is copied.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && !(chunk.buffer instanceof SharedArrayBuffer);
      const data = owned ? new Uint8Array(chunk.buffer, 0, chunk.byteLength) : new Uint8Array(chunk);
      send({ type: 'chunk', data }, [data.buffer as ArrayBuffer]);
      if (++inFlight >= IN_FLIGHT) blob.pause();
    };
    worker.on('message', (message: IndexWorkerOut) => {
      if (message.type === 'ack') {
        if (--inFlight < IN_FLIGHT && blob.isPaused()) blob.resume();
      } else if (message.type === 'done') finish(undefined, message.result);
      else finish(message.engineError ? new StevedoreError(message.error.code, message.error.message, message.error.details) : new Error(message.error.message));
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(new StevedoreError('INTERNAL', `the layer indexer stopped (exit code ${code})`)));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    blob.on('data', onData);
    blob.once('end', () => send({ type: 'end' }));
    blob.once('error', (error) => {
      send({ type: 'abort' });
      finish(error);
    });
  });
}
