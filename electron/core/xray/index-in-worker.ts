// Indexes layers on a worker thread: this thread reads each blob (and verifies its digest as it streams), the worker
// decompresses, parses and hashes. One worker serves every layer indexed at once in this process (each more worker
// is one more JavaScript heap in memory, while decompression already runs on libuv's thread pool); it starts with
// the first layer and ends with the last. A few chunks per layer are in flight at most, so memory stays flat; a
// failure or an abort of a layer ends that layer on both sides, and a worker that dies fails the layers it held.
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { StevedoreError } from '../errors.js';
import { unpackedUrl } from '../workers/pool.js';
import type { IndexedTar, IndexLayerOptions } from './index-layer.js';
import type { IndexWorkerIn, IndexWorkerOut } from './index-worker-messages.js';

// Bundled (build/bundle.mjs) beside the other workers, which the packaged app unpacks from its asar.
const WORKER = unpackedUrl(new URL('../workers/xray-index-worker.bundle.mjs', import.meta.url));
const IN_FLIGHT = 4;

type Listener = (message: IndexWorkerOut | Error) => void;

class IndexWorker {
  readonly #worker: Worker;
  readonly #listeners = new Map<number, Listener>();
  #next = 0;
  #dead = false;

  constructor(private readonly onIdle: (worker: IndexWorker) => void) {
    // A small young generation keeps the worker's memory near what it holds: chunks pass through and are garbage at once.
    this.#worker = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.#worker.on('message', (message: IndexWorkerOut) => this.#listeners.get(message.id)?.(message));
    this.#worker.on('error', (error) => this.#die(error));
    this.#worker.on('exit', (code) => this.#die(new StevedoreError('INTERNAL', `the layer indexer stopped (exit code ${code})`)));
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** A layer's id and its way to send; `listener` hears the worker's messages about it. */
  open(listener: Listener): { id: number; send: (message: IndexWorkerIn, transfer?: ArrayBuffer[]) => void } {
    const id = this.#next++;
    this.#listeners.set(id, listener);
    return { id, send: (message, transfer = []) => this.#dead || this.#worker.postMessage(message, transfer) };
  }

  close(id: number): void {
    this.#listeners.delete(id);
    if (this.#listeners.size === 0) {
      this.#dead = true;
      this.onIdle(this);
      void this.#worker.terminate();
    }
  }

  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.onIdle(this);
    for (const listener of [...this.#listeners.values()]) listener(error);
  }
}

let shared: IndexWorker | undefined;

function worker(): IndexWorker {
  if (!shared || shared.dead) {
    shared = new IndexWorker((w) => {
      if (shared === w) shared = undefined;
    });
  }
  return shared;
}

export function indexLayerInWorker(blob: Readable, options: IndexLayerOptions = {}): Promise<IndexedTar> {
  options.signal?.throwIfAborted();
  const host = worker();
  let inFlight = 0;
  return new Promise<IndexedTar>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, result?: IndexedTar): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      blob.off('data', onData);
      // The worker stops this layer (a no-op when it is done); the blob stays open on failure: its owner may read it
      // to the end to check its digest, and closes it.
      if (error !== undefined) send({ type: 'abort', id });
      host.close(id);
      if (error !== undefined) reject(error);
      else resolve(result as IndexedTar);
    };
    const { id, send } = host.open((message) => {
      if (message instanceof Error) finish(message);
      else if (message.type === 'ack') {
        if (--inFlight < IN_FLIGHT && blob.isPaused()) blob.resume();
      } else if (message.type === 'done') finish(undefined, message.result);
      else finish(message.engineError ? new StevedoreError(message.error.code, message.error.message, message.error.details) : new Error(message.error.message));
    });
    const onAbort = (): void => finish(options.signal?.reason ?? new StevedoreError('CANCELLED', 'cancelled'));
    const onData = (chunk: Buffer): void => {
      // A chunk that owns its whole buffer moves to the worker; one that shares a larger (pooled) buffer is copied.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && !(chunk.buffer instanceof SharedArrayBuffer);
      const data = owned ? new Uint8Array(chunk.buffer, 0, chunk.byteLength) : new Uint8Array(chunk);
      send({ type: 'chunk', id, data }, [data.buffer as ArrayBuffer]);
      if (++inFlight >= IN_FLIGHT) blob.pause();
    };
    send({ type: 'start', id, ...(options.limits ? { limits: options.limits } : {}) });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    blob.on('data', onData);
    blob.once('end', () => send({ type: 'end', id }));
    blob.once('error', (error) => finish(error));
  });
}
