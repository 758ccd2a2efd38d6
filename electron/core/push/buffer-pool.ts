// Reuses the large buffers a push streams through (read blocks, compressed blocks, upload chunks). A fresh 1-4 MiB
// buffer per block becomes garbage faster than the GC collects it and fragments the allocator: that was ~50 MB of
// extra RSS, varying from run to run, on the 1 GB benchmark.
/** Capacities are whole multiples of this, so a short last block can still reuse (and be reused by) others. */
const GRANULE = 64 * 1024;

export class BufferPool {
  readonly #free = new Map<number, Uint8Array[]>();
  /** Buffers taken and not yet given back: only these may come back, and only once. */
  readonly #lent = new WeakSet<ArrayBufferLike>();
  readonly #maxFreeBytes: number;
  #freeBytes = 0;

  constructor(maxFreeBytes = 64 * 1024 * 1024) {
    this.#maxFreeBytes = maxFreeBytes;
  }

  /** A buffer of exactly `size` bytes with unspecified contents. */
  take(size: number): Uint8Array {
    const capacity = Math.max(GRANULE, Math.ceil(size / GRANULE) * GRANULE);
    const reused = this.#free.get(capacity)?.pop();
    if (reused) this.#freeBytes -= capacity;
    const buffer = reused ?? new Uint8Array(capacity);
    this.#lent.add(buffer.buffer);
    return buffer.subarray(0, size);
  }

  /**
   * Hands back a buffer from `take` (or a view of one) once nothing reads or writes it any more. Anything else is
   * ignored, including a buffer that was transferred to a worker meanwhile.
   */
  give(view: Uint8Array): void {
    const whole = view.buffer;
    if (!this.#lent.has(whole)) return;
    this.#lent.delete(whole);
    if (whole.byteLength === 0 || this.#freeBytes + whole.byteLength > this.#maxFreeBytes) return;
    const size = whole.byteLength;
    let list = this.#free.get(size);
    if (!list) this.#free.set(size, (list = []));
    list.push(new Uint8Array(whole));
    this.#freeBytes += size;
  }
}
