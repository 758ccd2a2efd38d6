// A small bounded pool of worker threads. Tasks queue when every worker is busy; an aborted task is dropped from
// the queue, and closing the pool terminates the workers whatever they are doing.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StevedoreError } from '../errors.js';
import type { WorkerReply, WorkerTask } from './messages.js';

type TaskInput = Omit<WorkerTask, 'id'>;

interface Pending {
  readonly task: WorkerTask;
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

export class WorkerPool {
  readonly size: number;
  readonly #url: URL;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Pending>();
  readonly #queue: Pending[] = [];
  #workers = 0;
  #nextId = 1;
  #closed = false;

  constructor(url: URL, size: number = Math.max(1, availableParallelism())) {
    this.#url = url;
    this.size = size;
  }

  run(input: TaskInput, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new StevedoreError('CANCELLED', 'worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      // The abort listener goes when the task settles: a push runs thousands of tasks on one signal.
      const onAbort = (): void => {
        const queued = this.#queue.indexOf(pending);
        if (queued >= 0) {
          this.#queue.splice(queued, 1);
          reject(signal?.reason);
        }
      };
      const settle =
        <T,>(fn: (value: T) => void) =>
        (value: T): void => {
          signal?.removeEventListener('abort', onAbort);
          fn(value);
        };
      const pending: Pending = { task: { ...input, id: this.#nextId++ } as WorkerTask, resolve: settle(resolve), reject: settle(reject), signal };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let worker = this.#idle.pop();
      if (!worker && this.#workers < this.size) worker = this.#spawn();
      if (!worker) return;
      const pending = this.#queue.shift() as Pending;
      this.#busy.set(worker, pending);
      // A busy worker keeps the process alive; an idle one must not.
      worker.ref();
      const transfer = pending.task.data.byteOffset === 0 && pending.task.data.byteLength === pending.task.data.buffer.byteLength ? [pending.task.data.buffer as ArrayBuffer] : [];
      worker.postMessage(pending.task, transfer);
    }
  }

  #spawn(): Worker {
    const worker = new Worker(this.#url);
    this.#workers++;
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (pending) {
        if (reply.ok) pending.resolve(reply.data);
        else pending.reject(new StevedoreError('REGISTRY_ERROR', `compression failed: ${reply.message}`));
      }
      worker.unref();
      this.#idle.push(worker);
      this.#dispatch();
    });
    worker.on('error', (error) => this.#lose(worker, error));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#lose(worker, new Error(`worker exited with code ${code}`));
    });
    return worker;
  }

  #lose(worker: Worker, error: unknown): void {
    const pending = this.#busy.get(worker);
    this.#busy.delete(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle >= 0) this.#idle.splice(idle, 1);
    this.#workers--;
    pending?.reject(error);
    void worker.terminate();
    this.#dispatch();
  }

  /** Terminates every worker; queued and running tasks are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new StevedoreError('CANCELLED', 'worker pool closed');
    for (const pending of this.#queue.splice(0)) pending.reject(error);
    for (const [, pending] of this.#busy) pending.reject(error);
    const all = [...this.#idle, ...this.#busy.keys()];
    this.#busy.clear();
    this.#idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}

/** Worker scripts cannot run from inside a packaged app.asar; electron-builder unpacks them next to it. */
export function unpackedUrl(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}

export function compressionPool(size?: number): WorkerPool {
  return new WorkerPool(unpackedUrl(new URL('./compress-worker.js', import.meta.url)), size);
}
