// A repository's tags: every name first, then the summary of every tag loaded in the background (the rows on screen
// first), so sorts and filters run over all tags and say when they are still partial. Opening another repository
// cancels what the last one still had in flight.
import { create } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { TagInfo, TagRow } from '../../../shared/image.js';
import { sortTagNames } from '../../../shared/tag-order.js';
import { api, errorInfo } from '../lib/api.js';
import { callCancellable, isCancelled } from '../lib/requests.js';
import { SummaryLoader } from '../lib/summary-loader.js';
import { useCatalog } from './catalog.js';
import { useRegistries } from './registries.js';

export type TagDetails = { readonly state: 'ready'; readonly info: TagInfo } | { readonly state: 'error'; readonly error: ErrorInfo };
export type SortKey = 'name' | 'created' | 'size' | 'platforms';
export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

interface RepositoryState {
  readonly key?: string;
  readonly registryId?: string;
  readonly repository?: string;
  /** Every tag, in version-aware name order. */
  readonly tags: readonly string[];
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  /** Summaries so far; a tag not here is still loading. */
  readonly details: ReadonlyMap<string, TagDetails>;
  /** Set when summaries stopped loading (the registry went away); Retry starts again. */
  readonly summaryError?: ErrorInfo;
  readonly deletable: boolean;
  readonly sort: Sort;
  /** The tag filter of each registry/repository. */
  readonly filters: Readonly<Record<string, string>>;
  readonly selected: ReadonlySet<string>;
  /** The last row clicked without Shift, where a Shift+click range starts. */
  readonly anchor?: string;
  load(registryId: string, repository: string, force?: boolean): Promise<void>;
  want(tags: readonly string[]): void;
  setSort(key: SortKey): void;
  setFilter(filter: string): void;
  toggle(tag: string): void;
  selectRange(rows: readonly string[], to: string): void;
  clearSelection(): void;
  remove(tags: readonly string[]): Promise<readonly ErrorInfo[]>;
}

/** Tag names the contract accepts; anything else a registry lists is shown as an error row, never sent. */
const VALID_TAG = /^[\w][\w.-]{0,127}$/;
const FLUSH_MS = 120;

let controller = new AbortController();
let loader: SummaryLoader | undefined;

export const repositoryKey = (registryId: string, repository: string): string => `${registryId}/${repository}`;

export const useRepository = create<RepositoryState>((set, get) => {
  // Summaries arrive in many small batches: they are applied together, a few times a second, so 150,000 tags do
  // not copy the map 3,000 times.
  let buffered: [string, TagDetails][] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    flushTimer = undefined;
    if (buffered.length === 0) return;
    const details = new Map(get().details);
    for (const [tag, detail] of buffered) details.set(tag, detail);
    buffered = [];
    set({ details });
  };
  const apply = (entries: readonly [string, TagDetails][], mine: AbortSignal): void => {
    if (mine.aborted) return;
    buffered.push(...entries);
    flushTimer ??= setTimeout(() => (mine.aborted ? undefined : flush()), FLUSH_MS);
  };

  return {
    tags: [],
    loading: false,
    details: new Map(),
    deletable: true,
    sort: { key: 'name', descending: false },
    filters: {},
    selected: new Set(),
    async load(registryId, repository, force = false) {
      const key = repositoryKey(registryId, repository);
      if (!force && get().key === key) return;
      controller.abort();
      controller = new AbortController();
      const { signal } = controller;
      loader = undefined;
      buffered = [];
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = undefined;
      set({ key, registryId, repository, tags: [], details: new Map(), loading: true, error: undefined, summaryError: undefined, selected: new Set(), anchor: undefined });
      let names: string[] = [];
      try {
        let cursor: string | undefined;
        for (let page = 0; page < 10_000; page++) {
          const result = await callCancellable(signal, (options) => api().tagsList({ registryId, repository, ...(cursor ? { cursor } : {}) }, options));
          names = names.concat(result.items);
          cursor = result.next;
          if (!cursor) break;
        }
      } catch (error) {
        if (!signal.aborted && !isCancelled(error)) {
          useRegistries.getState().noteOutcome(registryId, errorInfo(error));
          set({ loading: false, error: errorInfo(error) });
        }
        return;
      }
      if (signal.aborted) return;
      useRegistries.getState().noteOutcome(registryId);
      const tags = sortTagNames([...new Set(names)]);
      const invalid = tags.filter((t) => !VALID_TAG.test(t));
      set({
        tags,
        loading: false,
        details: new Map(invalid.map((t) => [t, { state: 'error', error: { code: 'INVALID_RESPONSE', message: `the registry listed "${t}", which is not a valid tag` } }])),
      });
      loader = new SummaryLoader(
        tags.filter((t) => VALID_TAG.test(t)),
        (batch, batchSignal) => callCancellable(batchSignal, (options) => api().tagsSummaries({ registryId, repository, tags: [...batch] }, options)),
        {
          rows: (rows: readonly TagRow[], deletable: boolean) => {
            if (!signal.aborted && deletable !== get().deletable) set({ deletable });
            apply(
              rows.map((row): [string, TagDetails] => ('info' in row ? [row.tag, { state: 'ready', info: row.info }] : [row.tag, { state: 'error', error: row.error }])),
              signal,
            );
          },
          failed: (_tags, error) => {
            if (signal.aborted) return;
            useRegistries.getState().noteOutcome(registryId, error);
            flush();
            set({ summaryError: error });
          },
        },
        signal,
      );
      loader.pump();
    },
    want(tags) {
      const { details } = get();
      loader?.prioritize(tags.filter((t) => !details.has(t)));
    },
    setSort: (key) => set((s) => ({ sort: { key, descending: s.sort.key === key ? !s.sort.descending : key !== 'name' } })),
    setFilter: (filter) =>
      set((s) => {
        if (!s.key) return s;
        const filters = { ...s.filters };
        if (filter === '') delete filters[s.key];
        else filters[s.key] = filter;
        return { filters };
      }),
    toggle: (tag) =>
      set((s) => {
        const selected = new Set(s.selected);
        if (selected.has(tag)) selected.delete(tag);
        else selected.add(tag);
        return { selected, anchor: tag };
      }),
    selectRange: (rows, to) =>
      set((s) => {
        const from = s.anchor === undefined ? -1 : rows.indexOf(s.anchor);
        const end = rows.indexOf(to);
        if (end < 0) return s;
        const start = from < 0 ? end : from;
        const selected = new Set(s.selected);
        for (let i = Math.min(start, end); i <= Math.max(start, end); i++) selected.add(rows[i] as string);
        return { selected };
      }),
    clearSelection: () => set({ selected: new Set(), anchor: undefined }),
    async remove(tags) {
      const { registryId, repository, details } = get();
      if (!registryId || !repository) return [];
      const errors: ErrorInfo[] = [];
      const digests = new Set<string>();
      for (const tag of tags) {
        const detail = details.get(tag);
        if (detail?.state === 'ready') digests.add(detail.info.digest);
      }
      for (const digest of digests) {
        try {
          await callCancellable(controller.signal, (options) => api().imageDelete({ registryId, repository, digest }, options));
        } catch (error) {
          errors.push(errorInfo(error));
        }
      }
      await get().load(registryId, repository, true);
      // The catalog on screen may have lost a repository (or its last tag) too.
      const catalog = useCatalog.getState();
      if (digests.size > 0 && catalog.registryId === registryId) void catalog.load(registryId, true);
      return errors;
    },
  };
});

/** How many tags still have no summary. */
export function pendingCount(tags: readonly string[], details: ReadonlyMap<string, TagDetails>): number {
  return tags.length - details.size;
}

const platformName = (p: TagInfo['platforms'][number]): string => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/');

/**
 * The rows in order: by name (version-aware) the list itself; by anything else, the tags with a summary sorted by
 * it (ties by name) and the rest after them in name order, whichever the direction. `tags` must be in name order.
 */
export function sortedTags(tags: readonly string[], details: ReadonlyMap<string, TagDetails>, sort: Sort): string[] {
  if (sort.key === 'name') return sort.descending ? [...tags].reverse() : [...tags];
  const known: { tag: string; index: number; value: number | string }[] = [];
  const unknown: string[] = [];
  tags.forEach((tag, index) => {
    const d = details.get(tag);
    if (d?.state !== 'ready') {
      unknown.push(tag);
      return;
    }
    const info = d.info;
    const value =
      sort.key === 'size' ? info.totalSize : sort.key === 'created' ? Date.parse(info.created ?? '') || 0 : `${String(info.platforms.length).padStart(3, '0')} ${info.platforms.map(platformName).join(', ')}`;
    known.push({ tag, index, value });
  });
  const direction = sort.descending ? -1 : 1;
  known.sort((a, b) => {
    const d = typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : String(a.value) < String(b.value) ? -1 : String(a.value) > String(b.value) ? 1 : 0;
    return d !== 0 ? d * direction : a.index - b.index;
  });
  return [...known.map((k) => k.tag), ...unknown];
}

/** Tags that share a digest with the ones chosen: deleting a manifest deletes every tag on it. */
export function tagsSharingDigest(chosen: Iterable<string>, tags: readonly string[], details: ReadonlyMap<string, TagDetails>): string[] {
  const chosenSet = new Set(chosen);
  const digests = new Set<string>();
  for (const tag of chosenSet) {
    const d = details.get(tag);
    if (d?.state === 'ready') digests.add(d.info.digest);
  }
  return tags.filter((tag) => {
    if (chosenSet.has(tag)) return false;
    const d = details.get(tag);
    return d?.state === 'ready' && digests.has(d.info.digest);
  });
}
