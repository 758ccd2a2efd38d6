// A repository's tags: digest, size (per platform for multi-arch), created, platforms; sortable, multi-select, delete.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors.js';
import { visibleText } from '../../../shared/visible-text.js';
import { writeDraggedTags } from '../lib/image-drag.js';
import { useCompare } from '../stores/compare.js';
import { useNav } from '../stores/nav.js';
import { sortedTags, useRepository, type SortKey } from '../stores/repository.js';
import { Bytes, Digest, Empty, ErrorState, Loading, When } from './common.js';
import { VirtualList } from './VirtualList.js';

const NO_DETAILS = {};

function Header({ label, sortKey }: { readonly label: string; readonly sortKey: SortKey }) {
  const sort = useRepository((s) => s.sort);
  const setSort = useRepository((s) => s.setSort);
  const arrow = sort.key === sortKey ? (sort.descending ? ' ↓' : ' ↑') : '';
  return (
    <button type="button" className="th" onClick={() => setSort(sortKey)} aria-label={`Sort by ${label}`}>
      {label}
      {arrow}
    </button>
  );
}

export function RepositoryView({ registryId, repository }: { readonly registryId: string; readonly repository: string }) {
  const { tags, loading, error, details, sort, selected, load, want, toggle, clearSelection, remove } = useRepository();
  const go = useNav((s) => s.go);
  const addPick = useCompare((s) => s.add);
  const [confirming, setConfirming] = useState(false);
  const [deleteErrors, setDeleteErrors] = useState<readonly ErrorInfo[]>([]);
  useEffect(() => void load(registryId, repository), [registryId, repository, load]);
  const onVisible = useCallback((visible: readonly string[]) => want(visible), [want]);
  // Sorted once per change that can move a row: by name, loading sizes moves nothing (150,000 tags take seconds).
  const sortDetails = sort.key === 'name' ? NO_DETAILS : details;
  const rows = useMemo(() => sortedTags(tags, sortDetails, sort), [tags, sortDetails, sort]);
  const refused = Object.values(details).find((d) => d.state === 'ready' && !d.image.deletable);

  return (
    <section className="view" aria-label="Repository">
      <header className="view-head">
        <h1>{repository}</h1>
        <span className="count">{tags.length} tags</span>
        <div className="toolbar">
          <button
            type="button"
            disabled={selected.size < 2}
            onClick={() => {
              for (const tag of selected) addPick({ registryId, repository, reference: tag });
              go({ view: 'compare' });
            }}
          >
            Compare selected
          </button>
          <button type="button" className="danger" disabled={selected.size === 0 || refused !== undefined} title={refused ? 'This registry does not allow deleting' : undefined} onClick={() => setConfirming(true)}>
            Delete selected
          </button>
        </div>
      </header>
      {deleteErrors.map((e, i) => (
        <ErrorState key={i} error={e} />
      ))}
      {error ? (
        <ErrorState error={error} onRetry={() => void load(registryId, repository, true)} />
      ) : loading ? (
        <Loading what="tags" />
      ) : tags.length === 0 ? (
        <Empty>No tags in this repository.</Empty>
      ) : (
        <>
          <div className="table-head tags-grid">
            <span />
            <Header label="Tag" sortKey="name" />
            <span>Digest</span>
            <Header label="Size" sortKey="size" />
            <Header label="Created" sortKey="created" />
            <span>Platforms</span>
          </div>
          <VirtualList
            items={rows}
            rowHeight={34}
            label="Tags"
            onVisible={onVisible}
            onOpen={(tag) => go({ view: 'image', registryId, repository, reference: tag })}
            render={(tag) => {
              const d = details[tag];
              const image = d?.state === 'ready' ? d.image : undefined;
              const platforms = image?.platforms.filter((p) => !p.isAttestation) ?? [];
              return (
                <div className="tags-grid" draggable onDragStart={(e) => writeDraggedTags(e.dataTransfer, { registryId, repository, tags: selected.has(tag) ? [...selected] : [tag] })}>
                  <input type="checkbox" checked={selected.has(tag)} onChange={() => toggle(tag)} aria-label={`Select ${tag}`} />
                  <button type="button" className="link" onClick={() => go({ view: 'image', registryId, repository, reference: tag })}>
                    {tag}
                  </button>
                  <span>{image ? <Digest value={image.digest} /> : d?.state === 'error' ? <span className="error-text">{d.error.code}</span> : '…'}</span>
                  <span>{image ? <Bytes value={image.totalSize} /> : ''}</span>
                  <span>{image ? <When iso={image.created} /> : ''}</span>
                  <span className="muted" title={platforms.map((p) => `${p.platform.os}/${p.platform.architecture}${p.platform.variant ? `/${p.platform.variant}` : ''}: ${p.size.toLocaleString('en-US')} bytes`).join('\n')}>
                    {visibleText(platforms.map((p) => `${p.platform.architecture}${p.platform.variant ? `/${p.platform.variant}` : ''}`).join(', '))}
                  </span>
                </div>
              );
            }}
          />
        </>
      )}
      {confirming && (
        <div className="modal" role="dialog" aria-modal="true" aria-label="Confirm delete">
          <div className="card">
            <h2>Delete {selected.size} tag{selected.size === 1 ? '' : 's'}?</h2>
            <p>This deletes the manifests they point at; every other tag on the same digest goes too. It cannot be undone.</p>
            <p className="muted">{[...selected].join(', ')}</p>
            <div className="actions">
              <button type="button" onClick={() => setConfirming(false)} autoFocus>
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
          </div>
        </div>
      )}
    </section>
  );
}
