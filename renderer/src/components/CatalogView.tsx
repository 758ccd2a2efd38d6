// All repositories of a registry, streamed in, filtered as you type (substring or glob), grouped by namespace.
import { useEffect, useMemo, useRef } from 'react';
import { formatRelative } from '../../../shared/format.js';
import { groupByNamespace, matcher, type Row } from '../lib/filter.js';
import { useCatalog } from '../stores/catalog.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { Empty, ErrorState, Loading } from './common.js';
import { VirtualList } from './VirtualList.js';

export function CatalogView({ registryId }: { readonly registryId: string }) {
  const { repositories, loading, done, error, cachedAt, refreshed, filters, load, setFilter } = useCatalog();
  const filter = filters[registryId] ?? '';
  const registry = useRegistries((s) => s.list.find((r) => r.id === registryId));
  const go = useNav((s) => s.go);
  useEffect(() => void load(registryId), [registryId, load]);
  // A catalog just opened: typing filters it.
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => filterRef.current?.focus(), [registryId]);
  const shown = useMemo(() => repositories.filter(matcher(filter)), [repositories, filter]);
  const rows = useMemo(() => groupByNamespace(shown), [shown]);
  const open = (row: Row): void => {
    if (row.kind === 'repository') go({ view: 'repository', registryId, repository: row.name });
  };

  return (
    <section className="view" aria-label="Catalog">
      <header className="view-head">
        <h1>{registry?.name ?? 'Registry'}</h1>
        <input
          ref={filterRef}
          className="filter"
          value={filter}
          onChange={(e) => setFilter(registryId, e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter !== '') {
              e.stopPropagation();
              setFilter(registryId, '');
            }
          }}
          placeholder="Filter repositories (text, or a glob like team-*/api*)" aria-label="Filter repositories" />
        <span className="count" aria-live="polite">
          {shown.length.toLocaleString('en-US')} of {repositories.length.toLocaleString('en-US')} repositories{loading && !cachedAt ? ' · loading…' : ''}
        </span>
        <button type="button" onClick={() => void load(registryId, true)} aria-label="Refresh catalog" title="Refresh">
          ↻
        </button>
        {cachedAt && (
          <span className="cached" role="status" title={new Date(cachedAt).toString()}>
            saved {formatRelative(cachedAt)}
            {loading ? ` · refreshing (${refreshed.toLocaleString('en-US')} so far)` : ' · could not refresh'}
          </span>
        )}
      </header>
      {error && (
        <>
          <ErrorState error={error} onRetry={() => void load(registryId, true)} />
          {error.code === 'DENIED' && <p className="hint">This registry does not list its catalog: add repositories by name in the sidebar.</p>}
        </>
      )}
      {error && repositories.length === 0 ? null : repositories.length === 0 && loading ? (
        <Loading what="the catalog" />
      ) : repositories.length === 0 && done ? (
        <Empty>This registry has no repositories yet.</Empty>
      ) : (
        <VirtualList
          items={rows}
          rowHeight={32}
          label="Repositories"
          onOpen={open}
          render={(row) =>
            row.kind === 'group' ? (
              <div className="group-row">
                {row.name} <span className="muted">· {row.count} {row.count === 1 ? 'repository' : 'repositories'}</span>
              </div>
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
