// The views the CLI and the UI show, computed from an image's layer indexes: the merged tree with directory totals,
// and what each layer added, changed and removed.
import type { LayerChange, LayerChangeCounts, LayerChanges, LayerIndex, MergedFile } from '../../../shared/xray.js';
import { MergedFs } from './merged-fs.js';

export interface MergedView {
  readonly files: readonly MergedFile[];
  /** Bytes under each directory ('' is the root: the image's total). */
  readonly totals: ReadonlyMap<string, number>;
  readonly removedBy: ReadonlyMap<string, number>;
  /** Per layer, how many paths it added, changed and removed (as layerChanges lists them), when asked for. */
  readonly changeCounts?: readonly LayerChangeCounts[];
}

/** Counts what a merge reports, without keeping a change object per path. */
class ChangeCounter implements LayerChangeCounts {
  added = 0;
  changed = 0;
  removed = 0;
  push(change: LayerChange): void {
    this[change.change]++;
  }
}

export function mergedView(layers: readonly LayerIndex[], options: { readonly countChanges?: boolean } = {}): MergedView {
  const fs = new MergedFs();
  const counts: LayerChangeCounts[] = [];
  layers.forEach((layer, i) => {
    if (options.countChanges) {
      const counter = new ChangeCounter();
      fs.apply(i, layer.entries, counter);
      counts.push({ added: counter.added, changed: counter.changed, removed: counter.removed });
    } else fs.apply(i, layer.entries);
  });
  const { files, totals } = fs.listing();
  return { files, totals, removedBy: fs.removedBy, ...(options.countChanges ? { changeCounts: counts } : {}) };
}

export function layerChanges(layers: readonly LayerIndex[]): LayerChanges[] {
  const fs = new MergedFs();
  return layers.map((layer, i) => {
    const changes: LayerChange[] = [];
    fs.apply(i, layer.entries, changes);
    changes.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sum = (kind: LayerChange['change']): [number, number] => {
      let count = 0;
      let bytes = 0;
      for (const c of changes) {
        if (c.change !== kind) continue;
        count++;
        bytes += c.size;
      }
      return [count, bytes];
    };
    const [added, addedBytes] = sum('added');
    const [changed, changedBytes] = sum('changed');
    const [removed, removedBytes] = sum('removed');
    return { layer: i, digest: layer.digest, added, changed, removed, addedBytes, changedBytes, removedBytes, changes };
  });
}
