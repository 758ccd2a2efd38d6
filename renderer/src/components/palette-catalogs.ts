// What Ctrl/Cmd+K searches beyond the catalog on screen: every saved registry's repositories, from the host's cached
// copy when it keeps one (at once), else by walking the registry's whole catalog page by page, matches showing as the
// pages come. Asked when the palette opens, given up when it closes or the user stops it; a registry that does not
// answer is left out. A walk that ends is recorded by the host, so the next search starts from its copy.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.js';
import { callCancellable } from '../lib/requests.js';

/** Names searched per registry (the host caches catalogs up to this size): about 15 MB of names at most. */
export const NAMES_PER_REGISTRY = 500_000;
/** The largest page the contract allows: fewest round trips. */
export const WALK_PAGE_SIZE = 1000;

/** A registry's names as they came, page by page (appending a page copies no names). */
export type NamePages = readonly (readonly string[])[];

export type WalkState = 'walking' | 'done' | 'stopped' | 'failed' | 'capped';

export interface SavedCatalog {
  readonly pages: NamePages;
  readonly names: number;
  readonly state: WalkState;
}

/**
 * The palette searches every name so far on each step it hears, so steps come at most every SHOW_EVERY_MS (and when
 * the walk ends or stops): a registry answering one name a page cannot make the search quadratic in its catalog.
 */
export const SHOW_EVERY_MS = 150;

/** Reads one registry's names, from the host's copy or by walking its catalog; `onPages` hears its steps. */
export async function walkCatalog(registryId: string, signal: AbortSignal, onPages: (pages: NamePages, names: number, done: boolean) => void, pageSize = WALK_PAGE_SIZE): Promise<void> {
  const cached = await callCancellable(signal, (options) => api().catalogCached({ registryId, limit: NAMES_PER_REGISTRY }, options));
  if (cached.savedAt !== undefined) {
    onPages([cached.items], cached.items.length, true);
    return;
  }
  const pages: (readonly string[])[] = [];
  let names = 0;
  let cursor: string | undefined;
  let shownAt = -Infinity;
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (done: boolean): void => {
    clearTimeout(timer);
    timer = undefined;
    shownAt = Date.now();
    shown = pages.length;
    // A new list each time it is shown (React compares by identity), never per page.
    onPages(pages.slice(), names, done);
  };
  try {
    do {
      const at = cursor;
      const page = await callCancellable(signal, (options) => api().catalogList({ registryId, pageSize, ...(at ? { cursor: at } : {}) }, options));
      const items = page.items.slice(0, NAMES_PER_REGISTRY - names);
      pages.push(items);
      names += items.length;
      cursor = names < NAMES_PER_REGISTRY ? page.next : undefined;
      const wait = shownAt + SHOW_EVERY_MS - Date.now();
      if (cursor === undefined || wait <= 0) show(cursor === undefined);
      else timer ??= setTimeout(() => show(false), wait);
    } while (cursor !== undefined);
  } finally {
    // Stopped or failed: what came is shown before the caller marks it partial.
    if (shown < pages.length && cursor !== undefined) show(false);
    clearTimeout(timer);
  }
}

export interface SavedCatalogs {
  /** Registry id -> its names so far. */
  readonly catalogs: ReadonlyMap<string, SavedCatalog>;
  /** Stops the walks under way; the names they found stay searchable. */
  stop(): void;
}

/** Every listed registry's names while `open`, filled in as the host and the registries answer. */
export function useSavedCatalogs(open: boolean, registryIds: readonly string[], pageSize = WALK_PAGE_SIZE): SavedCatalogs {
  const [catalogs, setCatalogs] = useState<ReadonlyMap<string, SavedCatalog>>(new Map());
  const walking = useRef<AbortController | undefined>(undefined);
  const key = registryIds.join('\n');
  useEffect(() => {
    if (!open) return;
    const walks = new AbortController();
    walking.current = walks;
    let live = true;
    for (const registryId of key === '' ? [] : key.split('\n')) {
      const show = (catalog: SavedCatalog): void => {
        if (live && (!walks.signal.aborted || walks.signal.reason === STOPPED)) setCatalogs((m) => new Map(m).set(registryId, catalog));
      };
      let last: SavedCatalog | undefined;
      walkCatalog(
        registryId,
        walks.signal,
        (pages, names, done) => {
          last = { pages, names, state: done ? (names >= NAMES_PER_REGISTRY ? 'capped' : 'done') : 'walking' };
          show(last);
        },
        pageSize,
      ).catch(() => {
        // Stopped by the user or failed half-way: what came stays, marked as partial. Closing drops it all.
        if (last && (walks.signal.reason === STOPPED || !walks.signal.aborted)) show({ ...last, state: walks.signal.aborted ? 'stopped' : 'failed' });
      });
    }
    return () => {
      live = false;
      walks.abort();
      // The next opening starts afresh (from the host's copy of any walk that ended).
      setCatalogs(new Map());
    };
  }, [open, key, pageSize]);
  const stop = useCallback(() => walking.current?.abort(STOPPED), []);
  return { catalogs, stop };
}

const STOPPED = 'stopped by the user';
