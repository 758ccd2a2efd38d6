// A registry's catalog. Seen before: the last copy shows at once (with its age) while the registry is asked again,
// and the fresh list replaces it in place when complete. Never seen: rows stream in page by page. Opening another
// registry cancels the walk in flight.
import { create } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, errorInfo } from '../lib/api.js';
import { callCancellable, isCancelled } from '../lib/requests.js';
import { useRegistries } from './registries.js';

interface CatalogState {
  readonly registryId?: string;
  readonly repositories: readonly string[];
  readonly loading: boolean;
  readonly done: boolean;
  readonly error?: ErrorInfo;
  /** Set while the rows shown are the copy from the last visit: when it was made. */
  readonly cachedAt?: string;
  /** Names received so far by a refresh running behind a cached copy. */
  readonly refreshed: number;
  /** The filter of each registry: typing in one registry's catalog never filters another's. */
  readonly filters: Readonly<Record<string, string>>;
  load(registryId: string, force?: boolean): Promise<void>;
  setFilter(registryId: string, filter: string): void;
}

let controller = new AbortController();

async function readCached(registryId: string, signal: AbortSignal): Promise<{ savedAt: string; items: string[] } | undefined> {
  let items: string[] = [];
  let savedAt: string | undefined;
  let offset: number | undefined = 0;
  for (let i = 0; offset !== undefined && i < 1000; i++) {
    const at: number = offset;
    const chunk = await callCancellable(signal, (options) => api().catalogCached({ registryId, offset: at }, options));
    if (!chunk || (savedAt !== undefined && chunk.savedAt !== savedAt)) return undefined;
    savedAt = chunk.savedAt;
    items = items.concat(chunk.items);
    offset = chunk.next;
  }
  return savedAt === undefined ? undefined : { savedAt, items };
}

export const useCatalog = create<CatalogState>((set, get) => ({
  repositories: [],
  loading: false,
  done: false,
  refreshed: 0,
  filters: {},
  async load(registryId, force = false) {
    if (!force && get().registryId === registryId && (get().loading || get().done)) return;
    controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    set({ registryId, repositories: [], loading: true, done: false, error: undefined, cachedAt: undefined, refreshed: 0 });
    const cached = await readCached(registryId, signal).catch(() => undefined);
    if (signal.aborted) return;
    if (cached) set({ repositories: cached.items, cachedAt: cached.savedAt });
    let fresh: string[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 100_000; page++) {
        const at = cursor;
        const result = await callCancellable(signal, (options) => api().catalogList({ registryId, ...(at ? { cursor: at } : {}) }, options));
        if (at === undefined) useRegistries.getState().noteOutcome(registryId);
        fresh = fresh.concat(result.items);
        // Behind a cached copy the fresh names wait until complete; without one they show as they come.
        if (cached) set({ refreshed: fresh.length });
        else set({ repositories: fresh });
        cursor = result.next;
        if (!cursor) break;
      }
      set({ repositories: fresh, loading: false, done: true, cachedAt: undefined });
    } catch (error) {
      if (signal.aborted || isCancelled(error)) return;
      useRegistries.getState().noteOutcome(registryId, errorInfo(error));
      // A cached copy stays on screen, marked as such, beside the error.
      set({ loading: false, error: errorInfo(error) });
    }
  },
  setFilter: (registryId, filter) =>
    set((s) => {
      const filters = { ...s.filters };
      if (filter === '') delete filters[registryId];
      else filters[registryId] = filter;
      return { filters };
    }),
}));
