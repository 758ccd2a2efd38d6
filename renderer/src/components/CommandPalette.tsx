// Ctrl/Cmd+K: jump to a registry, a repository or a tag by typing a few letters. Repositories of every saved
// registry are searched (each hit says which registry it is in), whole catalogs walked while the palette is open, with
// the count so far and a way to stop; a `team/app` or `team/app:1.2` typed in full is asked of the registry being
// browsed, and the palette says when nothing matches.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../lib/api.js';
import { callCancellable, isCancelled } from '../lib/requests.js';
import { useCatalog } from '../stores/catalog.js';
import { useNav, type Route } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { useRepository } from '../stores/repository.js';
import { Dialog } from './Dialog.js';
import { NAMES_PER_REGISTRY, useSavedCatalogs, type SavedCatalog } from './palette-catalogs.js';

interface Entry {
  readonly label: string;
  readonly kind: string;
  readonly route: Route;
  /** The registry a repository or tag is in, by its name. */
  readonly where?: string;
}

const entryKey = (e: Entry): string => `${e.kind} ${'registryId' in e.route ? e.route.registryId : ''} ${e.label}`;

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const ASK_DELAY_MS = 250;
const MAX_MATCHES = 50;

type Asked = { readonly state: 'idle' } | { readonly state: 'asking' } | { readonly state: 'done'; readonly entries: readonly Entry[]; readonly missing?: string };

export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const [asked, setAsked] = useState<Asked>({ state: 'idle' });
  const registries = useRegistries((s) => s.list);
  const catalog = useCatalog((s) => s.repositories);
  const catalogRegistry = useCatalog((s) => s.registryId);
  const repo = useRepository(useShallow((s) => ({ tags: s.tags, registryId: s.registryId, repository: s.repository })));
  const route = useNav((s) => s.route);
  const go = useNav((s) => s.go);
  const registryId = 'registryId' in route ? route.registryId : catalogRegistry;
  const { catalogs: saved, stop } = useSavedCatalogs(open, useMemo(() => registries.map((r) => r.id).filter((id) => id !== catalogRegistry), [registries, catalogRegistry]));

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen((o) => !o);
        setQuery('');
        setIndex(0);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const local = useMemo(() => {
    const nameOf = (id: string): string | undefined => registries.find((r) => r.id === id)?.name;
    const q = query.toLowerCase();
    const matches = (label: string): boolean => label.toLowerCase().includes(q);
    // Matched before an entry is made, and only the first MAX_MATCHES: catalogs of hundreds of thousands of names.
    const all: Entry[] = registries.filter((r) => matches(r.name)).map((r) => ({ label: r.name, kind: 'registry', route: { view: 'catalog', registryId: r.id } }));
    const repositories = (id: string, names: readonly string[]): void => {
      const where = nameOf(id);
      for (const name of names) {
        if (all.length >= MAX_MATCHES) return;
        if (matches(name)) all.push({ label: name, kind: 'repository', route: { view: 'repository', registryId: id, repository: name }, ...(where ? { where } : {}) });
      }
    };
    if (catalogRegistry) repositories(catalogRegistry, catalog);
    for (const [id, found] of saved) if (id !== catalogRegistry) for (const page of found.pages) repositories(id, page);
    if (repo.registryId && repo.repository) {
      const where = nameOf(repo.registryId);
      for (const tag of repo.tags) {
        const label = `${repo.repository}:${tag}`;
        if (all.length < MAX_MATCHES && matches(label)) all.push({ label, kind: 'tag', route: { view: 'image', registryId: repo.registryId, repository: repo.repository, reference: tag }, ...(where ? { where } : {}) });
      }
    }
    return all.slice(0, MAX_MATCHES);
  }, [registries, catalog, catalogRegistry, saved, repo.tags, repo.registryId, repo.repository, query]);

  // Ask the registry for `repository[:tag]` typed in full: its tags come back as entries.
  const [askRepository, askTag] = query.trim().toLowerCase().split(':') as [string, string | undefined];
  const askable = open && registryId !== undefined && REPOSITORY.test(askRepository) && askRepository.length >= 2;
  useEffect(() => {
    if (!askable || registryId === undefined) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setAsked({ state: 'asking' });
      callCancellable(controller.signal, (options) => api().tagsList({ registryId, repository: askRepository }, options)).then(
        (page) => {
          const tags = page.items.filter((t) => askTag === undefined || t.toLowerCase().includes(askTag)).slice(0, 20);
          const found = registries.find((r) => r.id === registryId)?.name;
          const where = found ? { where: found } : {};
          setAsked({
            state: 'done',
            entries: [
              { label: askRepository, kind: 'repository', route: { view: 'repository', registryId, repository: askRepository }, ...where },
              ...tags.map((t): Entry => ({ label: `${askRepository}:${t}`, kind: 'tag', route: { view: 'image', registryId, repository: askRepository, reference: t }, ...where })),
            ],
          });
        },
        (error: unknown) => {
          if (!isCancelled(error)) setAsked({ state: 'done', entries: [], missing: askRepository });
        },
      );
    }, ASK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [askable, registryId, askRepository, askTag, registries]);

  // What the registry said holds only for what is typed now.
  const answer: Asked = useMemo(() => (askable ? asked : { state: 'idle' }), [askable, asked]);
  const entries = useMemo(() => {
    const seen = new Set(local.map(entryKey));
    const fromRegistry = answer.state === 'done' ? answer.entries.filter((e) => !seen.has(entryKey(e))) : [];
    return [...local, ...fromRegistry].slice(0, 60);
  }, [local, answer]);

  if (!open) return null;
  const choose = (entry: Entry | undefined): void => {
    if (!entry) return;
    go(entry.route);
    setOpen(false);
  };
  const walk = walkStatus([...saved.values()]);
  const status =
    entries.length > 0 ? '' : answer.state === 'asking' ? 'Asking the registry…' : query.trim() === '' ? '' : answer.state === 'done' && answer.missing ? `Nothing matches “${query}”; the registry has no repository ${answer.missing}.` : `Nothing matches “${query}”.`;
  return (
    <Dialog label="Command palette" onClose={() => setOpen(false)} className="card palette">
      <input
        data-initial-focus
        value={query}
        placeholder="Go to a registry, repository or tag (team/app:1.2 asks the registry)…"
        aria-label="Go to"
        role="combobox"
        aria-expanded={entries.length > 0}
        aria-controls="palette-matches"
        aria-activedescendant={entries[index] ? `palette-${index}` : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setIndex((i) => Math.min(entries.length - 1, i + 1));
          else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
          else if (e.key === 'Enter') choose(entries[index]);
          else return;
          e.preventDefault();
        }}
      />
      <ul role="listbox" id="palette-matches" aria-label="Matches">
        {entries.map((entry, i) => (
          // Keys are handled by the combobox above (aria-activedescendant); a click picks an entry too.
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <li key={entryKey(entry)} id={`palette-${i}`} role="option" aria-selected={i === index} className={i === index ? 'active' : ''} onClick={() => choose(entry)}>
            <span className="muted">{entry.kind}</span> {entry.label}
            {entry.where && <span className="muted"> in {entry.where}</span>}
          </li>
        ))}
      </ul>
      <p className="muted small" role="status">
        {status}
      </p>
      {walk && (
        <p className="muted small" data-testid="palette-walk">
          {walk.text}
          {walk.walking && (
            <button type="button" className="link" onClick={stop}>
              Stop
            </button>
          )}
        </p>
      )}
    </Dialog>
  );
}

/** What the search covers while catalogs are still being walked, or when a walk ended early; nothing once all came. */
function walkStatus(catalogs: readonly SavedCatalog[]): { readonly text: string; readonly walking: boolean } | undefined {
  const names = catalogs.reduce((n, c) => n + c.names, 0).toLocaleString('en-US');
  if (catalogs.some((c) => c.state === 'walking')) return { text: `Searching… ${names} names so far `, walking: true };
  if (catalogs.some((c) => c.state === 'stopped')) return { text: `Stopped: searched ${names} names, not whole catalogs.`, walking: false };
  if (catalogs.some((c) => c.state === 'failed')) return { text: `Searched ${names} names: a registry stopped answering before its catalog ended.`, walking: false };
  if (catalogs.some((c) => c.state === 'capped')) return { text: `Searched ${names} names: the first ${NAMES_PER_REGISTRY.toLocaleString('en-US')} of each registry at most.`, walking: false };
  return undefined;
}
