// Collects per-blob progress and reports it at most about ten times a second, never once per chunk.
import type { BlobProgress, PushEvent, PushProgress } from '../../../shared/push.js';

const INTERVAL_MS = 100;
const RATE_WINDOW_MS = 3_000;

/** Byte counts added per chunk, kept apart from the record so a chunk costs two additions, not a copied object. */
interface Counted {
  read: number;
  sent: number;
}

export class ProgressReporter {
  readonly #blobs = new Map<string, BlobProgress>();
  readonly #changed = new Set<string>();
  readonly #counted = new Map<string, Counted>();
  readonly #samples: { at: number; done: number }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobId: string,
    private readonly target: string,
    private readonly emit: (event: PushEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  plan(blobs: readonly BlobProgress[]): void {
    for (const blob of blobs) this.#blobs.set(blob.id, blob);
    this.emit({ type: 'plan', jobId: this.jobId, target: this.target, blobs: [...this.#blobs.values()] });
    this.#timer = setInterval(() => this.flush(), INTERVAL_MS);
    this.#timer.unref();
  }

  update(id: string, change: Partial<BlobProgress>): void {
    const blob = this.#current(id);
    if (!blob) return;
    this.#blobs.set(id, { ...blob, ...change });
    this.#changed.add(id);
  }

  /** Runs once per chunk of every blob: counts, and leaves the record to be brought up to date when it is read. */
  add(id: string, read: number, sent: number): void {
    let counted = this.#counted.get(id);
    if (!counted) {
      if (!this.#blobs.has(id)) return;
      counted = { read: 0, sent: 0 };
      this.#counted.set(id, counted);
    }
    counted.read += read;
    counted.sent += sent;
    this.#changed.add(id);
  }

  /** The record with the counts added since it was last read folded in. */
  #current(id: string): BlobProgress | undefined {
    const blob = this.#blobs.get(id);
    const counted = this.#counted.get(id);
    if (!blob || !counted || (counted.read === 0 && counted.sent === 0)) return blob;
    const current = { ...blob, bytesDone: Math.min(blob.bytesTotal, blob.bytesDone + counted.read), bytesSent: blob.bytesSent + counted.sent };
    counted.read = 0;
    counted.sent = 0;
    this.#blobs.set(id, current);
    return current;
  }

  overall(): PushProgress {
    let done = 0;
    let total = 0;
    for (const id of this.#blobs.keys()) {
      const blob = this.#current(id) as BlobProgress;
      done += blob.bytesDone;
      total += blob.bytesTotal;
    }
    const at = this.now();
    this.#samples.push({ at, done });
    while (this.#samples.length > 2 && (this.#samples[0]?.at ?? at) < at - RATE_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0] ?? { at, done };
    const seconds = (at - first.at) / 1000;
    const rate = seconds > 0 ? Math.max(0, (done - first.done) / seconds) : 0;
    return { bytesDone: done, bytesTotal: total, rate, ...(rate > 0 ? { etaSeconds: Math.ceil((total - done) / rate) } : {}) };
  }

  flush(): void {
    if (this.#changed.size === 0) return;
    const blobs = [...this.#changed].map((id) => this.#current(id)).filter((b): b is BlobProgress => b !== undefined);
    this.#changed.clear();
    this.emit({ type: 'progress', jobId: this.jobId, target: this.target, blobs, overall: this.overall() });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }

  blobs(): BlobProgress[] {
    return [...this.#blobs.keys()].map((id) => this.#current(id) as BlobProgress);
  }
}
