// A small bounded pool of worker threads. Tasks wait for a free worker in a Limiter (an aborted task leaves the
// queue there); closing the pool terminates the workers whatever they are doing.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Limiter } from '../concurrency.js';
import { StevedoreError } from '../errors.js';
import type { WorkerReply, WorkerTask } from './messages.js';

type TaskInput = Omit<WorkerTask, 'id'>;

interface Running {
  readonly resolve: (data: Uint8Array) => void;
  readonly reject: (error: unknown) => void;
}

export class WorkerPool {
  readonly size: number;
  readonly #url: URL;
  readonly #slots: Limiter;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Running>();
  #nextId = 1;
  #closed = false;

  constructor(url: URL, size: number = Math.max(1, availableParallelism())) {
    this.#url = url;
    this.size = size;
    this.#slots = new Limiter(size);
  }

  run(input: TaskInput, signal?: AbortSignal): Promise<Uint8Array> {
    // Holding a slot means a worker is idle or may be started: there are never more workers than slots.
    return this.#slots.run(() => this.#runOn(input), signal);
  }

  #runOn(input: TaskInput): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new StevedoreError('CANCELLED', 'worker pool is closed'));
    const worker = this.#idle.pop() ?? this.#spawn();
    return new Promise((resolve, reject) => {
      this.#busy.set(worker, { resolve, reject });
      // A busy worker keeps the process alive; an idle one must not.
      worker.ref();
      const task = { ...input, id: this.#nextId++ } as WorkerTask;
      const transfer = task.data.byteOffset === 0 && task.data.byteLength === task.data.buffer.byteLength ? [task.data.buffer as ArrayBuffer] : [];
      worker.postMessage(task, transfer);
    });
  }

  #spawn(): Worker {
    const worker = new Worker(this.#url);
    worker.on('message', (reply: WorkerReply) => {
      const running = this.#busy.get(worker);
      this.#busy.delete(worker);
      worker.unref();
      this.#idle.push(worker);
      if (reply.ok) running?.resolve(reply.data);
      else running?.reject(new StevedoreError('INTERNAL', `compression failed: ${reply.message}`));
    });
    // A crash in a worker (out of memory, an exception) is ours, not the registry's.
    worker.on('error', (error) => this.#lose(worker, new StevedoreError('INTERNAL', `a compression worker crashed: ${error.message}`, {}, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#lose(worker, new StevedoreError('INTERNAL', `a compression worker stopped (exit code ${code})`));
    });
    return worker;
  }

  #lose(worker: Worker, error: unknown): void {
    const running = this.#busy.get(worker);
    this.#busy.delete(worker);
    const idle = this.#idle.indexOf(worker);
    if (idle >= 0) this.#idle.splice(idle, 1);
    running?.reject(error);
    void worker.terminate();
  }

  /** Terminates every worker; running tasks are rejected, and so is each queued one when its turn comes. */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new StevedoreError('CANCELLED', 'worker pool closed');
    for (const [, running] of this.#busy) running.reject(error);
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
