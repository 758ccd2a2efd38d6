// All repositories of a registry, streamed in, filtered as you type (substring or glob), grouped by namespace in
// groups that collapse. A catalog seen before shows at once from the cache, marked with its age, while it refreshes.
import { useEffect, useMemo, useRef } from 'react';
import { formatRelative, plural } from '../../../shared/format.js';
import { groupByNamespace, matcher, type Row } from '../lib/filter.js';
import { useCatalog } from '../stores/catalog.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { Empty, ErrorState, Loading } from './common.js';
import { VirtualList } from './VirtualList.js';

const rowKey = (row: Row): string => `${row.kind === 'group' ? 'g' : 'r'}:${row.kind === 'group' ? (row.namespace ?? row.name) : row.name}`;

function Status({ shown }: { readonly shown: number }) {
  const { repositories, loading, cachedAt, cachedTotal, fetched, error } = useCatalog();
  const total = cachedTotal ?? repositories.length;
  // A catalog that could not be listed has no count to give: "0 of 0" would say the registry is empty.
  if (error && repositories.length === 0 && cachedTotal === undefined) return <span className="count" aria-live="polite" />;
  return (
    <span className="count" aria-live="polite">
      {shown.toLocaleString('en-US')} of {plural(total, 'repository', 'repositories')}
      {cachedAt ? (
        <>
          {' · '}
          <span className="cached" title={`Listed ${new Date(cachedAt).toString()}`} data-testid="catalog-age">
            cached {formatRelative(cachedAt)}
          </span>
          {loading ? ` · refreshing… ${fetched.toLocaleString('en-US')} fresh` : ''}
        </>
      ) : loading ? (
        ' · loading…'
      ) : (
        ''
      )}
    </span>
  );
}

export function CatalogView({ registryId }: { readonly registryId: string }) {
  const { repositories, loading, done, error, filter, collapsed, load, setFilter, toggleGroup } = useCatalog();
  const registry = useRegistries((s) => s.list.find((r) => r.id === registryId));
  const go = useNav((s) => s.go);
  useEffect(() => void load(registryId), [registryId, load]);
  // A catalog just opened: typing filters it.
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => filterRef.current?.focus(), [registryId]);
  const shown = useMemo(() => repositories.filter(matcher(filter)), [repositories, filter]);
  const rows = useMemo(() => groupByNamespace(shown, collapsed), [shown, collapsed]);
  const open = (row: Row): void => {
    if (row.kind === 'repository') go({ view: 'repository', registryId, repository: row.name });
    else toggleGroup(row.namespace ?? '');
  };

  return (
    <section className="view" aria-label="Catalog">
      <header className="view-head">
        <h1>{registry?.name ?? 'Registry'}</h1>
        <input
          ref={filterRef}
          className="filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter !== '') {
              e.stopPropagation();
              setFilter('');
            }
          }}
          placeholder="Filter repositories (text, or a glob like team-*/api*)"
          aria-label="Filter repositories"
        />
        <Status shown={shown.length} />
        <button type="button" onClick={() => void load(registryId, true)} aria-label="Refresh catalog" title="Refresh">
          ↻
        </button>
      </header>
      {error && <ErrorState error={error} onRetry={() => void load(registryId, true)} />}
      {error?.code === 'DENIED' && <p className="hint">This registry does not list its catalog: add repositories by name in the sidebar.</p>}
      {error && repositories.length === 0 ? null : repositories.length === 0 && loading ? (
        <Loading what="the catalog" />
      ) : repositories.length === 0 && done ? (
        <Empty>This registry has no repositories yet.</Empty>
      ) : shown.length === 0 && filter.trim() !== '' ? (
        <Empty>
          No repository matches “{filter.trim()}”{loading ? ' yet' : ''}. Text matches anywhere in a name; a glob (with * or ?) must match the whole name, like team-*/api*.
        </Empty>
      ) : (
        <VirtualList
          items={rows}
          rowHeight={32}
          label="Repositories"
          onOpen={open}
          itemKey={rowKey}
          render={(row) =>
            row.kind === 'group' ? (
              <button type="button" className="group-row" tabIndex={-1} aria-expanded={!row.collapsed} onClick={() => open(row)}>
                <span aria-hidden="true">{row.collapsed ? '▸' : '▾'}</span> {row.name} <span className="muted">· {row.count} {row.count === 1 ? 'repository' : 'repositories'}</span>
              </button>
            ) : (
              <button type="button" className="repo-row" tabIndex={-1} onClick={() => open(row)}>
                {row.name}
              </button>
            )
          }
        />
      )}
    </section>
  );
}
