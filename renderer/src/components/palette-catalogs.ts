// What Ctrl/Cmd+K searches beyond the catalog on screen: every saved registry's repositories, from the host's cached
// copy when it keeps one (at once), else the registry's first catalog page. Asked when the palette opens, given up
// when it closes; a registry that does not answer is left out.
import { useEffect, useState } from 'react';
import { api } from '../lib/api.js';
import { callCancellable } from '../lib/requests.js';

/** Names searched per registry: enough for any typed prefix to find its repository without walking huge catalogs. */
const NAMES_PER_REGISTRY = 50_000;
const FIRST_PAGE = 1000;

export async function savedCatalog(registryId: string, signal: AbortSignal): Promise<readonly string[]> {
  const cached = await callCancellable(signal, (options) => api().catalogCached({ registryId, limit: NAMES_PER_REGISTRY }, options));
  if (cached.savedAt !== undefined) return cached.items;
  const page = await callCancellable(signal, (options) => api().catalogList({ registryId, pageSize: FIRST_PAGE }, options));
  return page.items;
}

/** Registry id -> its repository names, filled in as each registry answers while `open`. */
export function useSavedCatalogs(open: boolean, registryIds: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const [catalogs, setCatalogs] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  const key = registryIds.join('\n');
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    for (const registryId of key === '' ? [] : key.split('\n')) {
      savedCatalog(registryId, controller.signal).then(
        (names) => setCatalogs((m) => new Map(m).set(registryId, names)),
        () => undefined,
      );
    }
    return () => controller.abort();
  }, [open, key]);
  return catalogs;
}
