// A repository's tags: digest, size, created, platforms over every tag (summaries load in the background, the rows
// on screen first); sortable and filterable over all of them, saying when a sort is still partial; multi-select
// (Shift+click for a range), compare, delete naming every tag that goes with the manifest.
import { useCallback, useEffect, useMemo, useState, type MouseEvent } from 'react';
import type { ErrorInfo } from '../../../shared/errors.js';
import { plural } from '../../../shared/format.js';
import { visibleText } from '../../../shared/visible-text.js';
import { matcher } from '../lib/filter.js';
import { writeDraggedTags } from '../lib/image-drag.js';
import { useCompare } from '../stores/compare.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { pendingCount, repositoryKey, sortedTags, tagsSharingDigest, useRepository, type SortKey } from '../stores/repository.js';
import { Bytes, Digest, Empty, ErrorState, Loading, When } from './common.js';
import { Dialog } from './Dialog.js';
import { SizeChart, chartPoints } from './SizeChart.js';
import { VirtualList } from './VirtualList.js';

const SORT_LABELS: Readonly<Record<SortKey, string>> = { name: 'version', created: 'date', size: 'size', platforms: 'platforms' };

function Header({ label, sortKey, partial }: { readonly label: string; readonly sortKey: SortKey; readonly partial: boolean }) {
  const sort = useRepository((s) => s.sort);
  const setSort = useRepository((s) => s.setSort);
  const current = sort.key === sortKey;
  const arrow = current ? (sort.descending ? ' ↓' : ' ↑') : '';
  return (
    <span role="columnheader" aria-sort={current ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="th" onClick={() => setSort(sortKey)} aria-label={`Sort by ${label}`}>
        {label}
        {arrow}
        {current && partial ? <span className="partial"> (partial)</span> : null}
      </button>
    </span>
  );
}

export function RepositoryView({ registryId, repository }: { readonly registryId: string; readonly repository: string }) {
  const { tags, loading, error, details, summaryError, deletable, sort, filters, selected, load, want, setFilter, toggle, selectRange, clearSelection, remove } = useRepository();
  const go = useNav((s) => s.go);
  const hostPlatform = useRegistries((s) => s.info?.platform);
  const replacePicks = useCompare((s) => s.replace);
  const [confirming, setConfirming] = useState(false);
  const [deleteErrors, setDeleteErrors] = useState<readonly ErrorInfo[]>([]);
  useEffect(() => void load(registryId, repository), [registryId, repository, load]);
  const onVisible = useCallback((visible: readonly string[]) => want(visible), [want]);
  const filter = filters[repositoryKey(registryId, repository)] ?? '';
  const pending = pendingCount(tags, details);
  const partial = sort.key !== 'name' && pending > 0;
  const sorted = useMemo(() => sortedTags(tags, details, sort), [tags, details, sort]);
  const rows = useMemo(() => {
    if (filter.trim() === '') return sorted;
    const match = matcher(filter);
    return sorted.filter((tag) => match(tag.toLowerCase()));
  }, [sorted, filter]);
  const alsoDeleted = useMemo(() => (confirming ? tagsSharingDigest(selected, tags, details) : []), [confirming, selected, tags, details]);
  const open = (tag: string): void => go({ view: 'image', registryId, repository, reference: tag });
  // The chart shows what the filter leaves, as the list does.
  const points = useMemo(() => chartPoints(rows, details), [rows, details]);
  const onCheck = (tag: string, event: MouseEvent<HTMLInputElement>): void => {
    if (event.shiftKey) {
      event.preventDefault();
      selectRange(rows, tag);
    } else toggle(tag);
  };

  return (
    <section className="view" aria-label="Repository">
      <header className="view-head">
        <h1>{repository}</h1>
        <span className="count" aria-live="polite">
          {plural(tags.length, 'tag')}
          {!loading && tags.length > 0 && pending > 0 && !summaryError ? ` · details loading for ${pending.toLocaleString('en-US')}` : ''}
        </span>
        <div className="toolbar">
          <button type="button" onClick={() => void load(registryId, repository, true)} aria-label="Refresh tags" title="Refresh">
            ↻ Refresh
          </button>
          <button
            type="button"
            disabled={selected.size < 2}
            onClick={() => {
              replacePicks([...selected].map((tag) => ({ registryId, repository, reference: tag })));
              go({ view: 'compare' });
            }}
          >
            Compare selected
          </button>
          <button type="button" className="danger" disabled={selected.size === 0 || !deletable} title={deletable ? undefined : 'This registry does not allow deleting'} onClick={() => setConfirming(true)}>
            Delete selected
          </button>
        </div>
      </header>
      {deleteErrors.map((e, i) => (
        <ErrorState key={i} error={e} />
      ))}
      {summaryError && <ErrorState error={summaryError} onRetry={() => void load(registryId, repository, true)} />}
      {error ? (
        <ErrorState error={error} onRetry={() => void load(registryId, repository, true)} />
      ) : loading ? (
        <Loading what="tags" />
      ) : tags.length === 0 ? (
        <Empty>No tags in this repository.</Empty>
      ) : (
        <>
          <SizeChart
            points={points}
            {...(hostPlatform ? { preferredPlatform: hostPlatform } : {})}
            onOpen={open}
            onCompare={(a, b) => {
              replacePicks([a, b].map((reference) => ({ registryId, repository, reference })));
              go({ view: 'compare' });
            }}
          />
          <div className="tag-tools">
            <input
              className="filter"
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && filter !== '') {
                  e.stopPropagation();
                  setFilter('');
                }
              }}
              placeholder="Filter tags (text, or a glob like 1.2*)"
              aria-label="Filter tags"
            />
            <span className="count" role="status">
              {filter ? `${rows.length.toLocaleString('en-US')} of ${tags.length.toLocaleString('en-US')} match · ` : ''}
              {partial ? `sorted by ${SORT_LABELS[sort.key]} over ${(tags.length - pending).toLocaleString('en-US')} of ${plural(tags.length, 'tag')} so far (partial)` : `sorted by ${SORT_LABELS[sort.key]}`}
            </span>
          </div>
          <div className="table-head tags-grid" role="row">
            <span />
            <Header label="Tag" sortKey="name" partial={false} />
            <span role="columnheader">Digest</span>
            <Header label="Size" sortKey="size" partial={partial} />
            <Header label="Created" sortKey="created" partial={partial} />
            <Header label="Platforms" sortKey="platforms" partial={partial} />
          </div>
          {rows.length === 0 ? (
            <Empty>No tags match “{filter}”.</Empty>
          ) : (
            <VirtualList
              items={rows}
              rowHeight={34}
              label="Tags"
              focusOnMount
              onVisible={onVisible}
              onOpen={open}
              onToggle={toggle}
              onRowClick={(tag, event) => {
                // Shift+click anywhere on a row selects the range from the last row ticked.
                if (event.shiftKey && !(event.target instanceof HTMLInputElement)) selectRange(rows, tag);
              }}
              render={(tag) => {
                const d = details.get(tag);
                const info = d?.state === 'ready' ? d.info : undefined;
                return (
                  <div className="tags-grid" data-tag={tag} draggable onDragStart={(e) => writeDraggedTags(e.dataTransfer, { registryId, repository, tags: selected.has(tag) ? [...selected] : [tag] })}>
                    <input type="checkbox" checked={selected.has(tag)} onChange={() => undefined} onClick={(e) => onCheck(tag, e)} aria-label={`Select ${tag}`} tabIndex={-1} />
                    <button type="button" className="link" onClick={() => open(tag)} tabIndex={-1}>
                      {tag}
                    </button>
                    <span>{info ? <Digest value={info.digest} /> : d?.state === 'error' ? <span className="error-text" title={d.error.message}>{d.error.code}</span> : <span className="muted">loading…</span>}</span>
                    <span className="size">{info ? <Bytes value={info.totalSize} /> : ''}</span>
                    <span>{info ? <When iso={info.created} /> : ''}</span>
                    <span className="muted" title={info?.platforms.map((p) => `${[p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/')}: ${p.size.toLocaleString('en-US')} bytes`).join('\n')}>
                      {visibleText(info?.platforms.map((p) => `${p.platform.architecture}${p.platform.variant ? `/${p.platform.variant}` : ''}`).join(', ') ?? '')}
                    </span>
                  </div>
                );
              }}
            />
          )}
        </>
      )}
      {confirming && (
        <Dialog label="Confirm delete" onClose={() => setConfirming(false)}>
          <>
            <h2>
              Delete {selected.size} tag{selected.size === 1 ? '' : 's'}?
            </h2>
            <p>This deletes the manifests they point at; every other tag on the same digest goes too. It cannot be undone.</p>
            <p className="muted">{[...selected].join(', ')}</p>
            {alsoDeleted.length > 0 && (
              <p>
                <strong>
                  Also deleted, on the same digest: {alsoDeleted.length} other tag{alsoDeleted.length === 1 ? '' : 's'}:
                </strong>{' '}
                {alsoDeleted.slice(0, 50).join(', ')}
                {alsoDeleted.length > 50 ? `, and ${alsoDeleted.length - 50} more` : ''}
              </p>
            )}
            {pending > 0 && <p className="muted">Details of {plural(pending, 'tag')} are still loading: more tags may share these digests.</p>}
            <div className="actions">
              <button type="button" onClick={() => setConfirming(false)} data-initial-focus>
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirming(false);
                  void remove([...selected]).then((errors) => {
                    setDeleteErrors(errors);
                    clearSelection();
                  });
                }}
              >
                Delete
              </button>
            </div>
          </>
        </Dialog>
      )}
    </section>
  );
}
