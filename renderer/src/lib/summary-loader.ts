// Loads the summaries of every tag of a repository in the background: batches through one contract channel, a few
// in flight, the rows on screen first. Stops for good when its signal aborts (another repository was opened).
import type { TagSummaries } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { TagRow } from '../../../shared/image.js';
import { errorInfo } from './api.js';
import { isCancelled } from './requests.js';

export interface SummaryLoaderOptions {
  readonly batchSize?: number;
  readonly inFlight?: number;
}

export interface SummarySink {
  rows(rows: readonly TagRow[], deletable: boolean): void;
  /** A batch failed as a whole (registry down, credentials refused): loading stops here. */
  failed(tags: readonly string[], error: ErrorInfo): void;
}

export class SummaryLoader {
  readonly #order: readonly string[];
  readonly #priority: string[] = [];
  readonly #requested = new Set<string>();
  readonly #batchSize: number;
  readonly #inFlight: number;
  #cursor = 0;
  #running = 0;
  #stopped = false;

  constructor(
    tags: readonly string[],
    private readonly fetchBatch: (tags: readonly string[], signal: AbortSignal) => Promise<TagSummaries>,
    private readonly sink: SummarySink,
    private readonly signal: AbortSignal,
    options: SummaryLoaderOptions = {},
  ) {
    this.#order = tags;
    this.#batchSize = options.batchSize ?? 50;
    this.#inFlight = options.inFlight ?? 3;
  }

  /** Tags the user is looking at: they go in the next batches. */
  prioritize(tags: readonly string[]): void {
    for (const tag of tags) if (!this.#requested.has(tag)) this.#priority.push(tag);
    if (this.#priority.length > 4 * this.#batchSize) this.#priority.splice(0, this.#priority.length - 4 * this.#batchSize);
    this.pump();
  }

  pump(): void {
    while (!this.#stopped && !this.signal.aborted && this.#running < this.#inFlight) {
      const batch = this.#nextBatch();
      if (batch.length === 0) return;
      this.#running++;
      void this.fetchBatch(batch, this.signal).then(
        (result) => {
          this.#running--;
          if (this.signal.aborted) return;
          this.sink.rows(result.items, result.deletable);
          this.pump();
        },
        (error: unknown) => {
          this.#running--;
          if (this.signal.aborted || isCancelled(error)) return;
          this.#stopped = true;
          this.sink.failed(batch, errorInfo(error));
        },
      );
    }
  }

  get done(): boolean {
    return this.#running === 0 && this.#cursor >= this.#order.length && this.#priority.length === 0;
  }

  #nextBatch(): string[] {
    const batch: string[] = [];
    const take = (tag: string): void => {
      if (this.#requested.has(tag)) return;
      this.#requested.add(tag);
      batch.push(tag);
    };
    while (batch.length < this.#batchSize && this.#priority.length > 0) take(this.#priority.shift() as string);
    while (batch.length < this.#batchSize && this.#cursor < this.#order.length) take(this.#order[this.#cursor++] as string);
    return batch;
  }
}
