// A registry's catalog, streamed in page by page: the first rows show while later pages are still coming.
import { create } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, call, errorInfo } from '../lib/api.js';
import { useRegistries } from './registries.js';

interface CatalogState {
  readonly registryId?: string;
  readonly repositories: readonly string[];
  readonly loading: boolean;
  readonly done: boolean;
  readonly error?: ErrorInfo;
  /** The filter of each registry: typing in one registry's catalog never filters another's. */
  readonly filters: Readonly<Record<string, string>>;
  load(registryId: string, force?: boolean): Promise<void>;
  setFilter(registryId: string, filter: string): void;
}

let generation = 0;

export const useCatalog = create<CatalogState>((set, get) => ({
  repositories: [],
  loading: false,
  done: false,
  filters: {},
  async load(registryId, force = false) {
    if (!force && get().registryId === registryId && (get().loading || get().done)) return;
    const mine = ++generation;
    set({ registryId, repositories: [], loading: true, done: false, error: undefined });
    let cursor: string | undefined;
    try {
      for (;;) {
        const page = await call(api().catalogList({ registryId, ...(cursor ? { cursor } : {}) }));
        if (mine !== generation) return;
        if (cursor === undefined) useRegistries.getState().noteOutcome(registryId);
        set((s) => ({ repositories: [...s.repositories, ...page.items] }));
        cursor = page.next;
        if (!cursor) break;
      }
      set({ loading: false, done: true });
    } catch (error) {
      useRegistries.getState().noteOutcome(registryId, errorInfo(error));
      if (mine === generation) set({ loading: false, error: errorInfo(error) });
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
