// catalog:* handlers: a registry's catalog page by page, each walk recorded, and the last complete one from disk.
import type { ListPage } from '../core/registry/client.js';
import type { Handlers, HostContext } from './host-context.js';
import { PageReadAhead } from './page-read-ahead.js';

type CatalogHandlers = Pick<Handlers, 'catalog:list' | 'catalog:cached'>;

export function catalogHandlers(context: HostContext): CatalogHandlers {
  const { profiles } = context.deps;
  const cache = context.catalogs;
  // The registry walks its storage for every page (distribution 2.8): it must not wait on the renderer in between.
  const readAhead = new PageReadAhead<ListPage>();
  // A page on its way when the host closes would hold close() until the registry answered it, for nobody.
  context.closing.addEventListener('abort', () => readAhead.dropWhere(''), { once: true });
  // Best effort, off every request's path: a copy not read yet is read when asked for.
  context.behind.run(() => profiles.list().then((list) => cache.warm(list)));
  return {
    'catalog:list': async ({ registryId, cursor, pageSize }, signal) => {
      const profile = await profiles.get(registryId);
      const client = await context.clients.for(profile);
      const walk = `${registryId}\u0000${pageSize ?? ''}\u0000`;
      if (!cursor) readAhead.dropWhere(walk);
      const fetchPage = (at: string | undefined, pageSignal: AbortSignal): Promise<ListPage> =>
        client.catalogPage({ signal: pageSignal, ...(at ? { cursor: at } : {}), ...(pageSize ? { pageSize } : {}) });
      const page = await (cursor ? readAhead.take(walk + cursor, signal) : undefined) ?? (await fetchPage(cursor, signal));
      const next = page.next;
      if (next) readAhead.start(walk + next, (pageSignal) => fetchPage(next, pageSignal));
      // Recorded before answering; the last page's write to disk does not hold the answer back (errors stay inside),
      // and the host's close() waits for it. A registry removed while its page was on the way is not recorded.
      context.behind.run(() => profiles.get(registryId).then(() => cache.note(profile, cursor, page)));
      return { items: page.items, ...(next ? { next } : {}) };
    },
    'catalog:cached': async ({ registryId, limit }) => cache.read(await profiles.get(registryId), limit),
  };
}
