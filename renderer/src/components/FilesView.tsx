// The Files tab of an image: the merged filesystem as a virtualized tree with directory totals, or what one layer
// added, changed and removed; a filter; a size map; the wasted-space panel; and a text file opened read-only.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LayerChange } from '../../../shared/xray.js';
import { formatBytes, plural, shortDigest } from '../../../shared/format.js';
import { visibleFileText, visibleText } from '../../../shared/visible-text.js';
import { useFiles, type FilesTarget } from '../stores/files.js';
import { Bytes, ErrorState, Loading } from './common.js';
import { treeOrder, visibleRows, type TreeRow } from './file-tree.js';
import { SizeMap } from './SizeMap.js';
import { VirtualList } from './VirtualList.js';

const MARK: Readonly<Record<LayerChange['change'], string>> = { added: '+', changed: '~', removed: '−' };

export function FilesView({ target }: { readonly target: FilesTarget }) {
  const { view, waste, loading, error, mode, changes, opened, openError, progress, load, showLayer, open, closeFile, cancel } = useFiles();
  const offenders = (waste?.offenders ?? []).filter((o) => o.totalBytes > 0).slice(0, 10);
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const key = JSON.stringify(target);
  useEffect(() => void load(JSON.parse(key) as FilesTarget), [key, load]);
  const ordered = useMemo(() => treeOrder(view?.files ?? []), [view]);
  const rows = useMemo(() => visibleRows(ordered, collapsed, filter), [ordered, collapsed, filter]);
  const changeRows = useMemo(() => (changes?.changes ?? []).filter((c) => c.path.toLowerCase().includes(filter.trim().toLowerCase())), [changes, filter]);
  // A file opened from the tree shows below it: in a short window that is below the fold, so it is brought into view.
  const viewer = useRef<HTMLDivElement>(null);
  const shownFile = opened?.path ?? (openError ? openError.message : undefined);
  useEffect(() => {
    if (shownFile !== undefined) viewer.current?.scrollIntoView?.({ block: 'nearest' });
  }, [shownFile]);

  if (error) return <ErrorState error={error} onRetry={() => void load(target)} />;
  if (loading || !view) {
    const layers = Object.values(progress);
    return (
      <div>
        <Loading what="the files of every layer" />
        <button type="button" onClick={() => void cancel()}>
          Cancel
        </button>
        <ul className="xray-progress" aria-label="Layers being indexed">
          {layers.map((p) => (
            <li key={p.layer}>
              Layer {p.layer + 1}: {p.cached ? 'from cache' : `${formatBytes(p.bytes)} of ${formatBytes(p.total)}${p.done ? ', indexed' : ''}`}
            </li>
          ))}
        </ul>
      </div>
    );
  }

  const toggle = (row: TreeRow): void => {
    if (!row.hasChildren) return void open(row.file.path);
    const next = new Set(collapsed);
    if (next.has(row.file.path)) next.delete(row.file.path);
    else next.add(row.file.path);
    setCollapsed(next);
  };

  return (
    <section className="files-view" aria-label="Files">
      <p>
        {plural(view.files.length, 'path')}, <Bytes value={view.totalBytes} /> in {plural(view.layers.length, 'layer')}
        {view.cached > 0 && <span className="muted"> ({view.cached} from cache)</span>}
      </p>
      <div className="toolbar files-toolbar">
        <label>
          Show{' '}
          <select value={mode === 'merged' ? 'merged' : String(mode)} onChange={(e) => void showLayer(e.target.value === 'merged' ? 'merged' : Number(e.target.value))}>
            <option value="merged">Merged filesystem</option>
            {view.layers.map((l, i) => (
              <option key={`${l.digest}-${i}`} value={String(i)}>
                {/* What the data gives is the tar's entry count (directories, links, whiteouts): not its number of changes. */}
                Layer {i + 1} changes ({shortDigest(l.digest)}, {plural(l.entries, 'tar entry', 'tar entries')})
              </option>
            ))}
          </select>
        </label>
        <input type="search" placeholder="Filter paths" aria-label="Filter paths" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      {mode === 'merged' ? (
        <VirtualList
          items={rows}
          rowHeight={24}
          label="Merged filesystem"
          onOpen={toggle}
          onRowClick={toggle}
          render={(row) => (
            <div className="file-row" style={{ paddingLeft: row.depth * 14 }}>
              <span className="file-name">
                {row.hasChildren ? (collapsed.has(row.file.path) ? '▸ ' : '▾ ') : ''}
                {visibleText(row.name, true)}
                {row.file.kind === 'dir' ? '/' : ''}
                {row.file.kind === 'symlink' ? ` → ${visibleText(row.file.link ?? '', true)}` : ''}
                {/* A hard link shares its target's bytes (counted once, at the target): say which file it is. */}
                {row.file.kind === 'hardlink' ? ` ⇒ /${visibleText(row.file.link ?? '', true)}` : ''}
              </span>
              <span className="file-size">{formatBytes(row.file.kind === 'dir' ? row.file.bytes : row.file.size)}</span>
              <span className="muted file-layer" title={`last written by layer ${row.file.layer + 1}`}>L{row.file.layer + 1}</span>
            </div>
          )}
        />
      ) : !changes ? (
        <Loading what={`layer ${mode + 1}`} />
      ) : (
        <>
          <p>
            +{changes.added} added (<Bytes value={changes.addedBytes} />), ~{changes.changed} changed (<Bytes value={changes.changedBytes} />), −{changes.removed} removed (<Bytes value={changes.removedBytes} />)
            {view.layers[mode] && <span className="muted" data-testid="layer-tar-entries"> · its tar holds {plural(view.layers[mode].entries, 'entry', 'entries')} (directories and whiteouts among them)</span>}
          </p>
          <VirtualList
            items={changeRows}
            rowHeight={24}
            label={`Layer ${mode + 1} changes`}
            render={(c) => (
              <div className={`file-row change-${c.change}`}>
                <span className="file-name">
                  {MARK[c.change]} /{visibleText(c.path, true)}
                  {c.kind === 'dir' ? '/' : ''}
                </span>
                <span className="file-size">{formatBytes(c.size)}</span>
              </div>
            )}
          />
        </>
      )}
      {(opened || openError) && (
        <div className="file-viewer" role="dialog" aria-label="File" ref={viewer}>
          <header>
            <strong>/{visibleText(opened?.path ?? '', true)}</strong>{' '}
            {opened && (
              <span className="muted">
                layer {opened.layer + 1} ({shortDigest(opened.layerDigest)}), {formatBytes(opened.size)}
              </span>
            )}{' '}
            <button type="button" onClick={closeFile}>
              Close
            </button>
          </header>
          {openError && <ErrorState error={openError} />}
          {opened && (opened.text !== undefined ? <pre aria-label="File content">{visibleFileText(opened.text)}</pre> : <p>{opened.binary ? 'Binary file' : 'Larger than 1 MB'}: not shown.</p>)}
        </div>
      )}
      <SizeMap files={view.files} {...(mode === 'merged' ? {} : { scope: `the merged filesystem, not layer ${mode + 1}` })} />
      {waste && (
        <section className="waste" aria-label="Wasted space">
          <h2>
            Wasted space: <Bytes value={waste.wastedBytes} />{' '}
            <span className="muted" data-testid="wasted-share">
              {waste.wastedPercent.toFixed(1)} % of the file bytes in all layers · efficiency {(waste.efficiency * 100).toFixed(1)} %
            </span>
          </h2>
          {offenders.length === 0 ? (
            <p className="muted">Nothing wasted: no layer overwrites or deletes bytes that another layer added.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Copies</th>
                  <th>Total</th>
                  <th title="every copy but the one the image shows: what squashing would save (the CLI's RECLAIMABLE)">Reclaimable</th>
                  <th className="wide">Path</th>
                </tr>
              </thead>
              <tbody>
                {offenders.map((o) => (
                  <tr key={o.path}>
                    <td>{o.count}</td>
                    <td>
                      <Bytes value={o.totalBytes} />
                    </td>
                    <td>
                      <Bytes value={o.reclaimableBytes} />
                    </td>
                    <td>/{visibleText(o.path, true)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  );
}
