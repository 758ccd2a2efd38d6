// The Files tab of an image: the merged filesystem as a virtualized tree with directory totals, or what one layer
// added, changed and removed; a filter; a size map; the wasted-space panel; and a text file opened read-only.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LayerChange, WasteReport } from '../../../shared/xray.js';
import { formatBytes, formatCount, formatPercent, plural, shortDigest } from '../../../shared/format.js';
import { visibleFileText, visibleText } from '../../../shared/visible-text.js';
import { useFiles, type FilesTarget } from '../stores/files.js';
import { Bytes, ErrorState, Loading } from './common.js';
import { treeOrder, visibleRows, type TreeRow } from './file-tree.js';
import { SizeMap } from './SizeMap.js';
import { VirtualList } from './VirtualList.js';

const MARK: Readonly<Record<LayerChange['change'], string>> = { added: '+', changed: '~', removed: '−' };

export function FilesView({ target }: { readonly target: FilesTarget }) {
  const { view, waste, loading, error, mode, changes, opened, openError, progress, load, showLayer, open, closeFile, cancel } = useFiles();
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
        {/* What the image shows, not what its layers hold: beside a wasted space larger than it, '160 kB in 3 layers' read as all the layers held. */}
        {plural(view.files.length, 'path')}, <Bytes value={view.totalBytes} /> in the merged filesystem of {plural(view.layers.length, 'layer')}
        {view.cached > 0 && <span className="muted"> ({view.cached} from cache)</span>}
      </p>
      <div className="toolbar files-toolbar">
        <label>
          <span>Show</span>
          <select value={mode === 'merged' ? 'merged' : String(mode)} onChange={(e) => void showLayer(e.target.value === 'merged' ? 'merged' : Number(e.target.value))}>
            <option value="merged">Merged filesystem</option>
            {view.layers.map((l, i) => (
              <option key={`${l.digest}-${i}`} value={String(i)}>
                {/* A host that counted the layer's changes says them; else what it has is the tar's entry count. */}
                {l.changes
                  ? `Layer ${i + 1}: +${formatCount(l.changes.added)} added, ~${formatCount(l.changes.changed)} changed, −${formatCount(l.changes.removed)} removed (${shortDigest(l.digest)})`
                  : `Layer ${i + 1} changes (${shortDigest(l.digest)}, ${plural(l.entries, 'tar entry', 'tar entries')})`}
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
            +{formatCount(changes.added)} added (<Bytes value={changes.addedBytes} />), ~{formatCount(changes.changed)} changed (<Bytes value={changes.changedBytes} />), −{formatCount(changes.removed)} removed (<Bytes value={changes.removedBytes} />)
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
      {waste && <WastePanel waste={waste} />}
    </section>
  );
}

const SHOWN_OFFENDERS = 10;

/**
 * Wasted space in dive's words, each figure saying what it counts: the potential wasted space (every copy of a path
 * found in more than one layer) is what the Total column adds up to, the reclaimable bytes (those copies but the one
 * the image shows: what squashing saves) what the Reclaimable column adds up to, both over every such path.
 */
function WastePanel({ waste }: { readonly waste: WasteReport }) {
  const offenders = waste.offenders.filter((o) => o.totalBytes > 0).slice(0, SHOWN_OFFENDERS);
  const paths = plural(waste.wastedPaths, 'path');
  return (
    <section className="waste" aria-label="Wasted space">
      <h2>Wasted space</h2>
      <dl className="facts waste-figures">
        <dt>Potential wasted space</dt>
        <dd data-testid="wasted-total">
          <strong>
            <Bytes value={waste.wastedBytes} />
          </strong>{' '}
          <span className="muted">
            every copy of the {paths} found in more than one layer, as dive counts it ·{' '}
            <span data-testid="wasted-share">{formatPercent(waste.wastedPercent)} of the file bytes in all layers</span>
          </span>
        </dd>
        <dt>Reclaimable by squashing</dt>
        <dd data-testid="wasted-reclaimable">
          <strong>
            <Bytes value={waste.reclaimableBytes} />
          </strong>{' '}
          <span className="muted">the same copies but the one the image shows: what flattening the layers into one would save</span>
        </dd>
        <dt>Image efficiency score</dt>
        <dd data-testid="wasted-efficiency">
          <strong>{formatPercent(waste.efficiency * 100)}</strong> <span className="muted">each path's smallest copy over all copies (dive's score)</span>
        </dd>
      </dl>
      {offenders.length === 0 ? (
        <p className="muted">Nothing wasted: no layer overwrites or deletes bytes that another layer added.</p>
      ) : (
        <table>
          <caption className="muted small">{offenders.length < waste.wastedPaths ? `The largest ${offenders.length} of ${paths}` : `All ${paths}`}</caption>
          <thead>
            <tr>
              {/* '2 copies' of a deleted file whose total is its one size: the second is the layer that deleted it. */}
              <th title="the layers that hold the path, a layer that deletes it (a whiteout, 0 bytes) among them">Copies</th>
              <th title="every copy of the path, in every layer: adds up to the potential wasted space">Total</th>
              <th title="every copy but the one the image shows (all of them for a path the image deletes): adds up to what squashing would save (the CLI's RECLAIMABLE)">Reclaimable</th>
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
          <tfoot>
            <tr data-testid="wasted-sums">
              <th scope="row">{offenders.length < waste.wastedPaths ? `All ${paths}` : 'Sum'}</th>
              <td>
                <Bytes value={waste.wastedBytes} />
              </td>
              <td>
                <Bytes value={waste.reclaimableBytes} />
              </td>
              <td className="muted">the potential wasted space and the reclaimable bytes above</td>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
