// A registry's catalog, streamed in page by page: the first rows show while later pages are still coming. A catalog
// seen before shows at once from the host's copy (with its age) while it is asked again, and fresh pages replace it
// in place as they come, so the list the user is scrolling and filtering never empties. Opening another registry
// cancels the walk in flight (the host stops asking the registry).
import { create } from 'zustand';
import type { CachedCatalog } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, call, errorInfo } from '../lib/api.js';
import { callCancellable, isCancelled } from '../lib/requests.js';
import { useRegistries } from './registries.js';

interface CatalogState {
  readonly registryId?: string;
  /** What is shown: fresh names so far, then the cached names that come after them. */
  readonly repositories: readonly string[];
  readonly loading: boolean;
  readonly done: boolean;
  /** When the cached rows shown were listed; cleared once the fresh catalog is complete. */
  readonly cachedAt?: string;
  /** While only the first screenful of the cached copy is in: how many names the whole copy holds. */
  readonly cachedTotal?: number;
  /** Fresh names received in this listing. */
  readonly fetched: number;
  readonly error?: ErrorInfo;
  /** The filter of the registry on screen. */
  readonly filter: string;
  /** Each registry's filter: typing in one registry's catalog never filters another's. */
  readonly filters: Readonly<Record<string, string>>;
  /** Namespaces whose repositories are hidden under their group row. */
  readonly collapsed: ReadonlySet<string>;
  load(registryId: string, force?: boolean): Promise<void>;
  setFilter(filter: string): void;
  toggleGroup(namespace: string): void;
}

let generation = 0;
let walk = new AbortController();
/** The cached copy comes in two steps: a screenful at once (a few kB), then the whole (50,000 names is 1.2 MB). */
const FIRST_SCREEN = 200;

/**
 * The list to show while a fresh walk is under way: the fresh names, then the cached ones past the last fresh name.
 * Catalogs come in lexical order (the spec's n/last paging), so the cached tail is what the next pages will bring;
 * when the fresh pages are not in order the tail cannot be placed, and the cached list stays until the walk ends.
 */
export function mergeFresh(fresh: readonly string[], cached: readonly string[], ordered: boolean): readonly string[] {
  if (fresh.length === 0) return cached;
  if (!ordered) return cached;
  const last = fresh[fresh.length - 1] as string;
  let from = lowerBound(cached, last);
  if (cached[from] === last) from++;
  return fresh.concat(cached.slice(from));
}

/** The first index whose name is not below `name`, in a list sorted ascending (cached catalogs are). */
function lowerBound(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

function isAscending(items: readonly string[], after: string | undefined): boolean {
  let previous = after;
  for (const item of items) {
    if (previous !== undefined && item <= previous) return false;
    previous = item;
  }
  return true;
}

const ascending = (names: readonly string[]): readonly string[] => (isAscending(names, undefined) ? names : [...names].sort());

export const useCatalog = create<CatalogState>((set, get) => ({
  repositories: [],
  loading: false,
  done: false,
  fetched: 0,
  filter: '',
  filters: {},
  collapsed: new Set(),
  async load(registryId, force = false) {
    if (!force && get().registryId === registryId && (get().loading || get().done)) return;
    const mine = ++generation;
    const previous = get().registryId;
    const sameRegistry = previous === registryId;
    walk.abort();
    walk = new AbortController();
    const { signal } = walk;
    set({
      registryId,
      // A forced refresh of the registry on screen keeps its rows until fresh ones replace them.
      repositories: sameRegistry ? get().repositories : [],
      loading: true,
      done: false,
      fetched: 0,
      error: undefined,
      cachedAt: undefined,
      cachedTotal: undefined,
      ...(sameRegistry ? {} : { collapsed: new Set<string>() }),
      // Each registry keeps its own filter (one typed before any registry was open applies to the first).
      ...(sameRegistry || previous === undefined ? {} : { filter: get().filters[registryId] ?? '' }),
    });
    const fresh: string[] = [];
    let ordered = true;
    let complete = false;
    let cached: readonly string[] = sameRegistry ? ascending(get().repositories) : [];
    // The host's copy is local: it answers long before the registry's first page.
    const show = (copy: CachedCatalog): boolean => {
      if (mine !== generation || complete || copy.savedAt === undefined || copy.items.length === 0) return false;
      cached = ascending(copy.items);
      set({ repositories: mergeFresh(fresh, cached, ordered), cachedAt: copy.savedAt, cachedTotal: copy.total > copy.items.length ? copy.total : undefined });
      return copy.total > copy.items.length;
    };
    const fromCache = call(api().catalogCached({ registryId, limit: FIRST_SCREEN }))
      .then(async (head) => {
        if (show(head)) show(await call(api().catalogCached({ registryId })));
      })
      .catch(() => undefined);
    let cursor: string | undefined;
    try {
      for (;;) {
        const at = cursor;
        const page = await callCancellable(signal, (options) => api().catalogList({ registryId, ...(at ? { cursor: at } : {}) }, options));
        if (mine !== generation) return;
        if (at === undefined) useRegistries.getState().noteOutcome(registryId);
        ordered &&= isAscending(page.items, fresh[fresh.length - 1]);
        for (const name of page.items) fresh.push(name);
        cursor = page.next;
        if (!cursor) break;
        set({ repositories: mergeFresh(fresh, cached, ordered), fetched: fresh.length });
      }
      complete = true;
      set({ repositories: fresh, fetched: fresh.length, loading: false, done: true, cachedAt: undefined, cachedTotal: undefined });
    } catch (error) {
      if (mine !== generation || signal.aborted || isCancelled(error)) return;
      useRegistries.getState().noteOutcome(registryId, errorInfo(error));
      // The cached rows stay on screen beside the error, still marked with their age.
      set({ loading: false, error: errorInfo(error) });
    }
    await fromCache;
  },
  setFilter: (filter) =>
    set((s) => {
      if (s.registryId === undefined) return { filter };
      const filters = { ...s.filters };
      if (filter === '') delete filters[s.registryId];
      else filters[s.registryId] = filter;
      return { filter, filters };
    }),
  toggleGroup: (namespace) =>
    set((s) => {
      const collapsed = new Set(s.collapsed);
      if (collapsed.has(namespace)) collapsed.delete(namespace);
      else collapsed.add(namespace);
      return { collapsed };
    }),
}));
