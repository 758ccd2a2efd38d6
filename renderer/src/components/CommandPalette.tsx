// Ctrl/Cmd+K: jump to a registry, a repository or a tag by typing a few letters.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCatalog } from '../stores/catalog.js';
import { useNav, type Route } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { useRepository } from '../stores/repository.js';

interface Entry {
  readonly label: string;
  readonly kind: string;
  readonly route: Route;
}

export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const registries = useRegistries((s) => s.list);
  const catalog = useCatalog((s) => s.repositories);
  const catalogRegistry = useCatalog((s) => s.registryId);
  const repo = useRepository(useShallow((s) => ({ tags: s.tags, registryId: s.registryId, repository: s.repository })));
  const go = useNav((s) => s.go);

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

  const entries = useMemo(() => {
    const all: Entry[] = registries.map((r) => ({ label: r.name, kind: 'registry', route: { view: 'catalog', registryId: r.id } }));
    if (catalogRegistry) for (const name of catalog) all.push({ label: name, kind: 'repository', route: { view: 'repository', registryId: catalogRegistry, repository: name } });
    if (repo.registryId && repo.repository) for (const tag of repo.tags) all.push({ label: `${repo.repository}:${tag}`, kind: 'tag', route: { view: 'image', registryId: repo.registryId, repository: repo.repository, reference: tag } });
    const q = query.toLowerCase();
    return all.filter((e) => e.label.toLowerCase().includes(q)).slice(0, 50);
  }, [registries, catalog, catalogRegistry, repo.tags, repo.registryId, repo.repository, query]);

  if (!open) return null;
  const choose = (entry: Entry | undefined): void => {
    if (!entry) return;
    go(entry.route);
    setOpen(false);
  };
  return (
    <div className="modal" role="dialog" aria-modal="true" aria-label="Command palette" onClick={() => setOpen(false)}>
      <div className="card palette" onClick={(e) => e.stopPropagation()}>
        <input
          autoFocus
          value={query}
          placeholder="Go to a registry, repository or tag…"
          aria-label="Go to"
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(entries.length - 1, i + 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
            else if (e.key === 'Enter') choose(entries[index]);
            else if (e.key === 'Escape') setOpen(false);
            else return;
            e.preventDefault();
          }}
        />
        <ul role="listbox" aria-label="Matches">
          {entries.map((entry, i) => (
            <li key={`${entry.kind}-${entry.label}`} role="option" aria-selected={i === index} className={i === index ? 'active' : ''} onClick={() => choose(entry)}>
              <span className="muted">{entry.kind}</span> {entry.label}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
