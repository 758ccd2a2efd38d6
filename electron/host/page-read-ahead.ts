// A registry names a list's next page only in the page before it, so a caller that asks page by page leaves the
// registry idle for a round trip (and whatever the caller does with a page) between pages. The read-ahead starts the
// next page as soon as one is answered; the caller's request for it takes the page already on its way.
import { setMaxListeners } from 'node:events';
import { StevedoreError } from '../core/errors.js';

interface Pending<T> {
  readonly page: Promise<T>;
  readonly controller: AbortController;
  readonly timer: NodeJS.Timeout;
}

/** A page nobody asked for within this time is abandoned (the user went elsewhere). */
const UNCLAIMED_MS = 30_000;

export class PageReadAhead<T> {
  readonly #pending = new Map<string, Pending<T>>();

  constructor(private readonly unclaimedMs = UNCLAIMED_MS) {}

  /** Starts fetching `key`'s page unless it is on its way already. */
  start(key: string, fetch: (signal: AbortSignal) => Promise<T>): void {
    if (this.#pending.has(key)) return;
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    const page = fetch(controller.signal);
    // Nobody may ever ask for it: its failure must not go unhandled.
    page.catch(() => undefined);
    const timer = setTimeout(() => this.#drop(key, 'nobody asked for the page read ahead'), this.unclaimedMs);
    timer.unref();
    this.#pending.set(key, { page, controller, timer });
  }

  /** The page read ahead for `key`, if any; the caller's signal now cancels it. */
  take(key: string, signal?: AbortSignal): Promise<T> | undefined {
    const pending = this.#pending.get(key);
    if (!pending) return undefined;
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    if (signal) {
      const cancel = (): void => pending.controller.abort(signal.reason);
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
    }
    return pending.page;
  }

  /** Abandons every page read ahead whose key starts with `prefix` (a walk started afresh). */
  dropWhere(prefix: string): void {
    for (const key of [...this.#pending.keys()]) if (key.startsWith(prefix)) this.#drop(key, 'the list was asked for afresh');
  }

  #drop(key: string, why: string): void {
    const pending = this.#pending.get(key);
    if (!pending) return;
    this.#pending.delete(key);
    clearTimeout(pending.timer);
    pending.controller.abort(new StevedoreError('CANCELLED', why));
  }
}
