// "Files changed" between two compared images: the one-line answer on top, then the changes grouped by directory,
// largest size impact first.
import { useState } from 'react';
import { formatBytes, plural } from '../../../shared/format.js';
import { visibleText } from '../../../shared/visible-text.js';
import type { ChangeKind } from '../../../shared/xray.js';
import { diffSummary, groupByDirectory, signedBytes } from '../../../shared/xray-summary.js';
import type { Pick } from '../stores/compare.js';
import { useFileDiff } from '../stores/file-diff.js';
import { ErrorState, Loading } from './common.js';

const GROUPS_SHOWN = 50;
/** One mark per row (the list has no bullets), its word for screen readers and on hover. */
const MARK: Readonly<Record<ChangeKind, string>> = { added: '+', removed: '−', changed: '~' };
const ITEMS_SHOWN = 20;

export function FilesChanged({ from, to }: { readonly from: Pick; readonly to: Pick }) {
  const { diff, loading, error, load } = useFileDiff();
  const [open, setOpen] = useState(false);
  const label = (p: Pick): string => `${p.repository}:${p.reference}`;
  if (!open) {
    return (
      <button type="button" onClick={() => { setOpen(true); void load(from, to); }}>
        Files changed from {label(from)} to {label(to)} <span className="size-kind">files, uncompressed</span>
      </button>
    );
  }
  if (error) return <ErrorState error={error} onRetry={() => void load(from, to)} />;
  if (loading || !diff) return <Loading what="the files of both images" />;
  // The engine leaves out directories that only appeared or went; a row whose mode or owner changed says so.
  const groups = groupByDirectory(diff.items);
  return (
    <section className="files-changed" aria-label="Files changed">
      <h2>
        Files changed from {label(from)} to {label(to)} <span className="size-kind">files, uncompressed</span>
      </h2>
      <p className="why" data-testid="why-it-grew">
        {diffSummary(diff)}
      </p>
      {groups.slice(0, GROUPS_SHOWN).map((group) => (
        <details key={group.dir} open={groups.indexOf(group) < 3}>
          <summary>
            /{visibleText(group.dir, true)} <strong>{signedBytes(group.delta)}</strong> <span className="muted">({plural(group.items.length, 'change')})</span>
          </summary>
          <ul className="changes">
            {group.items.slice(0, ITEMS_SHOWN).map((item) => (
              <li key={item.path} className={`change-${item.change}`}>
                <span className="change-mark" role="img" aria-label={item.change} title={item.change}>{MARK[item.change]}</span> /{visibleText(item.path, true)} {signedBytes(item.delta)}{' '}
                <span className="muted">
                  ({formatBytes(item.oldSize)} → {formatBytes(item.newSize)}{item.layer !== undefined ? `, layer ${item.layer + 1}` : ''}{item.metadata ? ', mode/owner changed' : ''})
                </span>
              </li>
            ))}
          </ul>
        </details>
      ))}
      {diff.more > 0 && <p className="muted">… and {plural(diff.more, 'more change', 'more changes')}</p>}
    </section>
  );
}
