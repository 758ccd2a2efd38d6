// Runs an async function over items with at most `limit` in flight, keeping results in input order.
import { onAbort } from './abort-fanout.js';

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Runs tasks with at most `limit` at once; a task whose signal aborts while it waits is dropped from the queue. */
export class Limiter {
  readonly #limit: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /**
   * Resolves holding a slot, for work whose end is not one promise's: the function it gives frees the slot (once,
   * however often it is called).
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#running >= this.#limit) await this.#turn(signal);
    else this.#running++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#running--;
      this.#waiting.shift()?.();
    };
  }

  // Resolves holding a slot: the slot is handed over by the task that frees it.
  #turn(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      // Many tasks wait on one shared signal: one listener on it for all of them.
      const stopWatching = signal
        ? onAbort(signal, () => {
            const at = this.#waiting.indexOf(start);
            if (at >= 0) this.#waiting.splice(at, 1);
            reject(signal.reason);
          })
        : () => undefined;
      const start = (): void => {
        stopWatching();
        this.#running++;
        resolve();
      };
      this.#waiting.push(start);
    });
  }
}
