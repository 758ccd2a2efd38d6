// The file diff between two merged filesystems: what was added, removed and changed, largest size impact first, and
// the few paths (files or whole directories) that explain the change in size.
import type { FileDiff, FileDiffItem, MergedFile, PathDelta } from '../../../shared/xray.js';
import { parentOf } from './entry-path.js';

export interface DiffSide {
  readonly files: readonly MergedFile[];
  /** Paths deleted by a whiteout or opaque directory, with the layer that did it. */
  readonly removedBy?: ReadonlyMap<string, number>;
}

function contentDiffers(a: MergedFile, b: MergedFile): boolean {
  return a.kind !== b.kind || a.sha256 !== b.sha256 || a.size !== b.size || a.link !== b.link;
}

function ownershipDiffers(a: MergedFile, b: MergedFile): boolean {
  return a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid;
}

function removingLayer(path: string, removedBy: ReadonlyMap<string, number> | undefined): number | undefined {
  if (!removedBy) return undefined;
  for (let p = path; ; p = parentOf(p)) {
    const layer = removedBy.get(p);
    if (layer !== undefined || p === '') return layer;
  }
}

export function fileDiff(before: DiffSide, after: DiffSide, topCount = 5): FileDiff {
  const old = new Map(before.files.map((f) => [f.path, f]));
  const items: FileDiffItem[] = [];
  for (const file of after.files) {
    const was = old.get(file.path);
    old.delete(file.path);
    // A directory that came or went is told by what it holds: its own row has no bytes to rank.
    if (!was) {
      if (file.kind !== 'dir') items.push({ path: file.path, change: 'added', kind: file.kind, oldSize: 0, newSize: file.bytes, delta: file.bytes, layer: file.layer });
    } else if (contentDiffers(was, file)) items.push({ path: file.path, change: 'changed', kind: file.kind, oldSize: was.bytes, newSize: file.bytes, delta: file.bytes - was.bytes, layer: file.layer });
    else if (ownershipDiffers(was, file)) items.push({ path: file.path, change: 'changed', kind: file.kind, oldSize: was.bytes, newSize: file.bytes, delta: file.bytes - was.bytes, layer: file.layer, metadata: true });
  }
  for (const was of old.values()) {
    if (was.kind === 'dir') continue;
    const layer = removingLayer(was.path, after.removedBy);
    items.push({ path: was.path, change: 'removed', kind: was.kind, oldSize: was.bytes, newSize: 0, delta: -was.bytes, ...(layer !== undefined ? { layer } : {}) });
  }
  items.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const oldBytes = before.files.reduce((sum, f) => sum + f.bytes, 0);
  const newBytes = after.files.reduce((sum, f) => sum + f.bytes, 0);
  return { oldBytes, newBytes, delta: newBytes - oldBytes, items, top: topPaths(items, topCount) };
}

/**
 * The paths that explain the change: every directory's summed delta competes with its files, a directory that one
 * child explains (90% or more of its delta) gives way to that child, and no chosen path contains another.
 */
export function topPaths(items: readonly FileDiffItem[], count: number): PathDelta[] {
  const dirDelta = new Map<string, number>();
  for (const item of items) {
    if (item.delta === 0) continue;
    for (let dir = parentOf(item.path); dir !== ''; dir = parentOf(dir)) dirDelta.set(dir, (dirDelta.get(dir) ?? 0) + item.delta);
  }
  const largestChild = new Map<string, number>();
  const candidates: PathDelta[] = items.filter((i) => i.delta !== 0).map((i) => ({ path: i.path, delta: i.delta }));
  for (const [path, delta] of dirDelta) candidates.push({ path, delta });
  for (const c of candidates) {
    const parent = parentOf(c.path);
    if (parent !== '') largestChild.set(parent, Math.max(largestChild.get(parent) ?? 0, Math.abs(c.delta)));
  }
  const chosen: PathDelta[] = [];
  const ranked = candidates
    .filter((c) => !dirDelta.has(c.path) || (largestChild.get(c.path) ?? 0) < 0.9 * Math.abs(c.delta))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.path.length - b.path.length);
  for (const c of ranked) {
    if (chosen.length >= count) break;
    if (chosen.some((p) => c.path.startsWith(`${p.path}/`) || p.path.startsWith(`${c.path}/`))) continue;
    chosen.push(c);
  }
  return chosen;
}
