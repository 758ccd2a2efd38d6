// Wasted space as dive defines it (wagoodman/dive, filetree/efficiency.go): every leaf path of every layer's own tree
// is one copy of that path, sized by its tar size; a whiteout is a copy of size 0 (dive sizes a deleted directory by
// what was under it, at the directory's path). A path with two or more copies is an inefficiency, its wasted bytes
// the sum of every copy; the efficiency score is the sum of each path's smallest copy over the sum of all copies.
// Two deliberate differences, where dive's result contradicts its own definition ("files that are removed discount
// your score, weighted by the original file size"): a deleted directory counts a 0-size copy of every file that was
// under it (dive's one copy at the directory's path never pairs with the files), and an opaque directory deletes what
// it hides (dive ignores `.wh..wh..opq` entries altogether).
import type { LayerEntry, LayerIndex, WasteItem, WasteReport } from '../../../shared/xray.js';
import { baseName, joinPath, parentOf } from './entry-path.js';
import { MergedFs, OPAQUE, WHITEOUT, pathOf, walk, type FsNode } from './merged-fs.js';

interface Copies {
  count: number;
  total: number;
  min: number;
  /** The latest layer's copy: what the image shows (0 when that layer deletes it). */
  last: number;
}

export function wasteReport(layers: readonly LayerIndex[], top = 50): WasteReport {
  const fs = new MergedFs();
  const copies = new Map<string, Copies>();
  const note = (path: string, size: number): void => {
    const seen = copies.get(path);
    if (seen) {
      seen.count++;
      seen.total += size;
      seen.min = Math.min(seen.min, size);
      seen.last = size;
    } else copies.set(path, { count: 1, total: size, min: size, last: size });
  };
  let userBytes = 0;
  layers.forEach((index, layer) => {
    const own = new Set(index.entries.map((e) => e.path));
    const deleted = (node: FsNode): void => {
      for (const n of walk(node)) if (!n.children?.size && !own.has(pathOf(n))) note(pathOf(n), 0);
    };
    for (const entry of leaves(index.entries)) {
      const base = baseName(entry.path);
      if (base === OPAQUE) {
        for (const child of fs.get(parentOf(entry.path))?.children?.values() ?? []) deleted(child);
      } else if (base.startsWith(WHITEOUT)) {
        if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) continue;
        const target = joinPath(parentOf(entry.path), base.slice(WHITEOUT.length));
        const node = fs.get(target);
        if (node?.kind === 'dir') deleted(node);
        else if (node) note(target, 0);
      } else {
        note(entry.path, entry.kind === 'file' ? entry.size : 0);
      }
    }
    if (layer > 0) for (const e of index.entries) if (e.kind === 'file') userBytes += e.size;
    fs.apply(layer, index.entries);
  });
  let minimum = 0;
  let discovered = 0;
  let wastedBytes = 0;
  let reclaimableBytes = 0;
  const offenders: WasteItem[] = [];
  for (const [path, c] of copies) {
    minimum += c.min;
    discovered += c.total;
    if (c.count < 2) continue;
    wastedBytes += c.total;
    reclaimableBytes += c.total - c.last;
    offenders.push({ path, count: c.count, totalBytes: c.total, reclaimableBytes: c.total - c.last });
  }
  offenders.sort((a, b) => b.totalBytes - a.totalBytes || (a.path < b.path ? -1 : 1));
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes,
    reclaimableBytes,
    wastedPaths: offenders.length,
    layerBytes: discovered,
    // The wasted copies are some of the copies discovered: never above 100.
    wastedPercent: discovered === 0 ? 0 : (wastedBytes / discovered) * 100,
    userBytes,
    userWastedPercent: userBytes === 0 ? 0 : (wastedBytes / userBytes) * 100,
    offenders: offenders.slice(0, top),
  };
}

/**
 * The leaves of one layer's own tree, as dive builds it: entries with nothing below them in the same layer (the
 * last entry wins for a repeated path). An opaque marker makes no node in dive, so it never hides a leaf.
 */
function leaves(entries: readonly LayerEntry[]): LayerEntry[] {
  const last = new Map<string, LayerEntry>();
  const parents = new Set<string>();
  for (const entry of entries) {
    last.set(entry.path, entry);
    if (baseName(entry.path) === OPAQUE) continue;
    for (let dir = parentOf(entry.path); dir !== '' && !parents.has(dir); dir = parentOf(dir)) parents.add(dir);
  }
  return [...last.values()].filter((e) => !parents.has(e.path));
}
