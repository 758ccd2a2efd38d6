// Work a handler leaves running after its answer (a catalog written to disk, the copies read ahead at start). It is
// owned here so the host's close() can wait for it: nothing writes into the cache folder once the host has closed.
export class WorkBehind {
  readonly #running = new Set<Promise<void>>();

  /** Starts `work` now, off the answer's path. Best effort: its failure stays inside. */
  run(work: () => Promise<unknown>): void {
    let started: Promise<unknown>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    const running: Promise<void> = started.then(
      () => undefined,
      () => undefined,
    );
    this.#running.add(running);
    void running.then(() => this.#running.delete(running));
  }

  /** Resolves once no work is running, including work started while it waited. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
