// Rows of the Files tree: paths in tree order (a directory, then what is under it), with collapsed directories'
// contents left out and a filter that keeps the parents of what matches.
import type { MergedFile } from '../../../shared/xray.js';

export interface TreeRow {
  readonly file: MergedFile;
  readonly depth: number;
  readonly name: string;
  readonly hasChildren: boolean;
}

function compareTreeOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

export function treeOrder(files: readonly MergedFile[]): MergedFile[] {
  return [...files].sort((a, b) => compareTreeOrder(a.path, b.path));
}

/** `ordered` must be in tree order; `filter` keeps matching paths and every directory above them. */
export function visibleRows(ordered: readonly MergedFile[], collapsed: ReadonlySet<string>, filter: string): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  let keep: Set<string> | undefined;
  if (needle) {
    keep = new Set();
    for (const f of ordered) {
      if (!f.path.toLowerCase().includes(needle)) continue;
      keep.add(f.path);
      for (let at = f.path.lastIndexOf('/'); at > 0; at = f.path.lastIndexOf('/', at - 1)) keep.add(f.path.slice(0, at));
    }
  }
  const rows: TreeRow[] = [];
  let hiddenUnder: string | undefined;
  ordered.forEach((file, i) => {
    if (hiddenUnder !== undefined && file.path.startsWith(`${hiddenUnder}/`)) return;
    hiddenUnder = undefined;
    if (keep && !keep.has(file.path)) return;
    const next = ordered[i + 1];
    const hasChildren = file.kind === 'dir' && next !== undefined && next.path.startsWith(`${file.path}/`);
    rows.push({ file, depth: file.path.split('/').length - 1, name: file.path.slice(file.path.lastIndexOf('/') + 1), hasChildren });
    if (hasChildren && collapsed.has(file.path) && !keep) hiddenUnder = file.path;
  });
  return rows;
}
