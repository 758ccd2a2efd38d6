// Collects per-blob progress and reports it at most about ten times a second, never once per chunk.
import type { BlobProgress, PushEvent, PushProgress } from '../../../shared/push.js';

const INTERVAL_MS = 100;
const RATE_WINDOW_MS = 3_000;

export class ProgressReporter {
  readonly #blobs = new Map<string, BlobProgress>();
  readonly #changed = new Set<string>();
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
    const blob = this.#blobs.get(id);
    if (!blob) return;
    this.#blobs.set(id, { ...blob, ...change });
    this.#changed.add(id);
  }

  add(id: string, read: number, sent: number): void {
    const blob = this.#blobs.get(id);
    if (!blob) return;
    this.#blobs.set(id, { ...blob, bytesDone: Math.min(blob.bytesTotal, blob.bytesDone + read), bytesSent: blob.bytesSent + sent });
    this.#changed.add(id);
  }

  overall(): PushProgress {
    let done = 0;
    let total = 0;
    for (const blob of this.#blobs.values()) {
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
    const blobs = [...this.#changed].map((id) => this.#blobs.get(id)).filter((b): b is BlobProgress => b !== undefined);
    this.#changed.clear();
    this.emit({ type: 'progress', jobId: this.jobId, target: this.target, blobs, overall: this.overall() });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }

  blobs(): BlobProgress[] {
    return [...this.#blobs.values()];
  }
}
