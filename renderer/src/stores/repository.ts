// A repository's tags, with sizes loaded lazily and concurrently, the visible rows first.
import { create } from 'zustand';
import type { ImageView } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, call, errorInfo } from '../lib/api.js';

export type TagDetails = { readonly state: 'loading' } | { readonly state: 'ready'; readonly image: ImageView } | { readonly state: 'error'; readonly error: ErrorInfo };
export type SortKey = 'name' | 'created' | 'size';

interface RepositoryState {
  readonly key?: string;
  readonly registryId?: string;
  readonly repository?: string;
  readonly tags: readonly string[];
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  readonly details: Readonly<Record<string, TagDetails>>;
  readonly sort: { readonly key: SortKey; readonly descending: boolean };
  readonly selected: ReadonlySet<string>;
  load(registryId: string, repository: string, force?: boolean): Promise<void>;
  want(tags: readonly string[]): void;
  setSort(key: SortKey): void;
  toggle(tag: string): void;
  clearSelection(): void;
  remove(tags: readonly string[]): Promise<readonly ErrorInfo[]>;
}

const CONCURRENCY = 6;
let queue: string[] = [];
let running = 0;
let generation = 0;

export const useRepository = create<RepositoryState>((set, get) => {
  const pump = (): void => {
    const { registryId, repository } = get();
    if (!registryId || !repository) return;
    const mine = generation;
    while (running < CONCURRENCY && queue.length > 0) {
      const tag = queue.shift() as string;
      running++;
      void call(api().imageSummary({ registryId, repository, reference: tag }))
        .then(
          (image): TagDetails => ({ state: 'ready', image }),
          (error: unknown): TagDetails => ({ state: 'error', error: errorInfo(error) }),
        )
        .then((details) => {
          running--;
          if (mine !== generation) return;
          set((s) => ({ details: { ...s.details, [tag]: details } }));
          pump();
        });
    }
  };
  return {
    tags: [],
    loading: false,
    details: {},
    sort: { key: 'name', descending: false },
    selected: new Set(),
    async load(registryId, repository, force = false) {
      const key = `${registryId}/${repository}`;
      if (!force && get().key === key) return;
      generation++;
      queue = [];
      set({ key, registryId, repository, tags: [], details: {}, loading: true, error: undefined, selected: new Set() });
      const mine = generation;
      try {
        const tags: string[] = [];
        let cursor: string | undefined;
        for (;;) {
          const page = await call(api().tagsList({ registryId, repository, ...(cursor ? { cursor } : {}) }));
          for (const tag of page.items) tags.push(tag);
          cursor = page.next;
          if (!cursor) break;
        }
        if (mine === generation) set({ tags, loading: false });
      } catch (error) {
        if (mine === generation) set({ loading: false, error: errorInfo(error) });
      }
    },
    want(tags) {
      const { details } = get();
      const missing = tags.filter((t) => details[t] === undefined);
      if (missing.length === 0) return;
      // Visible rows jump the queue.
      queue = [...missing, ...queue.filter((t) => !missing.includes(t))];
      set((s) => ({ details: { ...s.details, ...Object.fromEntries(missing.map((t) => [t, { state: 'loading' } as const])) } }));
      pump();
    },
    setSort: (key) => set((s) => ({ sort: { key, descending: s.sort.key === key ? !s.sort.descending : key !== 'name' } })),
    toggle: (tag) =>
      set((s) => {
        const selected = new Set(s.selected);
        if (selected.has(tag)) selected.delete(tag);
        else selected.add(tag);
        return { selected };
      }),
    clearSelection: () => set({ selected: new Set() }),
    async remove(tags) {
      const { registryId, repository, details } = get();
      if (!registryId || !repository) return [];
      const errors: ErrorInfo[] = [];
      for (const tag of tags) {
        const detail = details[tag];
        if (detail?.state !== 'ready') continue;
        try {
          await call(api().imageDelete({ registryId, repository, digest: detail.image.digest }));
        } catch (error) {
          errors.push(errorInfo(error));
        }
      }
      await get().load(registryId, repository, true);
      return errors;
    },
  };
});

export function sortedTags(tags: readonly string[], details: Readonly<Record<string, TagDetails>>, sort: RepositoryState['sort']): string[] {
  const value = (tag: string): number | string => {
    const d = details[tag];
    if (sort.key === 'name') return tag;
    if (d?.state !== 'ready') return -1;
    return sort.key === 'size' ? d.image.totalSize : Date.parse(d.image.created ?? '') || 0;
  };
  const sorted = [...tags].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y, undefined, { numeric: true }) : (x as number) - (y as number);
  });
  return sort.descending ? sorted.reverse() : sorted;
}
