// catalog:* handlers: a registry's catalog page by page, each walk recorded, and the last complete one from disk.
import type { Handlers, HostContext } from './host-context.js';

type CatalogHandlers = Pick<Handlers, 'catalog:list' | 'catalog:cached'>;

export function catalogHandlers(context: HostContext): CatalogHandlers {
  const { profiles } = context.deps;
  const cache = context.catalogs;
  // Best effort, off every request's path: a copy not read yet is read when asked for.
  void profiles.list().then((list) => cache.warm(list), () => undefined);
  return {
    'catalog:list': async ({ registryId, cursor, pageSize }, signal) => {
      const profile = await profiles.get(registryId);
      const client = await context.clients.for(profile);
      const page = await client.catalogPage({ signal, ...(cursor ? { cursor } : {}), ...(pageSize ? { pageSize } : {}) });
      // Recorded before answering; the last page's write to disk does not hold the answer back (errors stay inside).
      void cache.note(profile, cursor, page);
      return { items: page.items, ...(page.next ? { next: page.next } : {}) };
    },
    'catalog:cached': async ({ registryId, limit }) => cache.read(await profiles.get(registryId), limit),
  };
}
