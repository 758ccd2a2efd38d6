// The merged filesystem of an image: layers applied in order as the OCI image spec's "Representing Changes" says.
// In a layer, `.wh.<name>` deletes <name> and `.wh..wh..opq` hides everything below its directory, both from lower
// layers only, so they are applied before the layer's own entries; a later entry for the same path wins; a hard link
// shares the data of the file it names at the moment it is applied, as extraction would make it.
import type { EntryKind, LayerChange, LayerEntry, MergedFile } from '../../../shared/xray.js';
import { baseName, joinPath, parentOf } from './entry-path.js';

export const WHITEOUT = '.wh.';
export const OPAQUE = '.wh..wh..opq';

export interface FsNode {
  readonly name: string;
  parent: FsNode | undefined;
  children: Map<string, FsNode> | undefined;
  kind: EntryKind;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  link: string | undefined;
  sha256: string | undefined;
  /** The layer that last wrote this path. */
  layer: number;
  /** Same number: the same data (a file and its hard links). */
  inode: number;
  /** Where a file's bytes are: the layer and the entry's position in it. */
  origin: { readonly layer: number; readonly ordinal: number } | undefined;
}

export function isWhiteout(path: string): boolean {
  return baseName(path).startsWith(WHITEOUT);
}

export class MergedFs {
  readonly root: FsNode = newNode('', undefined, 'dir', -1);
  /** Paths deleted by a whiteout or an opaque directory, with the layer that deleted them. */
  readonly removedBy = new Map<string, number>();
  #inodes = 0;

  get(path: string): FsNode | undefined {
    if (path === '') return this.root;
    let node: FsNode | undefined = this.root;
    for (const part of path.split('/')) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  /** Applies one layer; `changes`, when given, receives what the layer added, changed and removed. */
  apply(layer: number, entries: readonly LayerEntry[], changes?: LayerChange[]): void {
    const removed = new Map<string, { kind: EntryKind; size: number }>();
    for (const entry of entries) {
      const base = baseName(entry.path);
      if (!base.startsWith(WHITEOUT)) continue;
      const dir = parentOf(entry.path);
      if (base === OPAQUE) {
        for (const child of [...(this.get(dir)?.children?.values() ?? [])]) this.#remove(child, layer, removed);
      } else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
        const target = this.get(joinPath(dir, base.slice(WHITEOUT.length)));
        if (target) this.#remove(target, layer, removed);
      }
    }
    entries.forEach((entry, ordinal) => {
      if (!isWhiteout(entry.path)) this.#add(layer, ordinal, entry, removed, changes);
    });
    for (const [path, { kind, size }] of removed) changes?.push({ path, change: 'removed', kind, size });
  }

  #remove(node: FsNode, layer: number, removed: Map<string, { kind: EntryKind; size: number }>): void {
    const path = pathOf(node);
    removed.set(path, { kind: node.kind, size: subtreeBytes(node) });
    this.removedBy.set(path, layer);
    node.parent?.children?.delete(node.name);
    node.parent = undefined;
  }

  #add(layer: number, ordinal: number, entry: LayerEntry, removed: Map<string, { kind: EntryKind; size: number }>, changes: LayerChange[] | undefined): void {
    const parts = entry.path.split('/');
    const name = parts.pop() as string;
    let dir = this.root;
    for (let depth = 0; depth < parts.length; depth++) {
      const part = parts[depth] as string;
      let child = dir.children?.get(part);
      if (child && child.kind !== 'dir') {
        this.#remove(child, layer, removed);
        child = undefined;
      }
      if (!child) {
        // The directory's path is only needed when it is new (most entries go into directories that exist).
        const dirPath = parts.slice(0, depth + 1).join('/');
        child = attach(dir, newNode(part, dir, 'dir', layer));
        changes?.push({ path: dirPath, change: removed.delete(dirPath) ? 'changed' : 'added', kind: 'dir', size: 0 });
      }
      dir = child;
    }
    const existing = dir.children?.get(name);
    const wasThere = existing !== undefined || removed.delete(entry.path);
    if (existing && existing.kind === 'dir' && entry.kind === 'dir') {
      const differs = existing.mode !== entry.mode || existing.uid !== entry.uid || existing.gid !== entry.gid;
      Object.assign(existing, { mode: entry.mode, uid: entry.uid, gid: entry.gid, layer });
      if (differs) changes?.push({ path: entry.path, change: 'changed', kind: 'dir', size: 0 });
      return;
    }
    if (existing?.kind === 'dir') {
      // A file replacing a directory takes everything under it away.
      for (const child of [...(existing.children?.values() ?? [])]) this.#remove(child, layer, removed);
    }
    if (existing) existing.parent = undefined;
    const node = attach(dir, newNode(name, dir, entry.kind, layer));
    Object.assign(node, { mode: entry.mode, uid: entry.uid, gid: entry.gid, link: entry.link });
    if (entry.kind === 'file') {
      Object.assign(node, { size: entry.size, sha256: entry.sha256, inode: ++this.#inodes, origin: { layer, ordinal } });
    } else if (entry.kind === 'hardlink') {
      const target = entry.link !== undefined ? this.get(entry.link) : undefined;
      if (target && (target.kind === 'file' || target.kind === 'hardlink')) Object.assign(node, { size: target.size, sha256: target.sha256, inode: target.inode, origin: target.origin });
      else node.inode = ++this.#inodes;
    }
    changes?.push({ path: entry.path, change: wasThere ? 'changed' : 'added', kind: entry.kind, size: entry.kind === 'file' ? entry.size : 0 });
  }

  /** Every path, sorted; a hard-linked file's bytes count once, at its first path in that order. */
  files(): MergedFile[] {
    const nodes: [string, FsNode][] = [];
    const stack: [string, FsNode][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, FsNode];
      for (const child of node.children?.values() ?? []) {
        const childPath = joinPath(path, child.name);
        nodes.push([childPath, child]);
        if (child.children) stack.push([childPath, child]);
      }
    }
    nodes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const counted = new Set<number>();
    return nodes.map(([path, n]) => {
      let bytes = 0;
      if ((n.kind === 'file' || n.kind === 'hardlink') && !counted.has(n.inode)) {
        counted.add(n.inode);
        bytes = n.size;
      }
      return { path, kind: n.kind, size: n.size, bytes, mode: n.mode, uid: n.uid, gid: n.gid, layer: n.layer, ...(n.link !== undefined ? { link: n.link } : {}), ...(n.sha256 !== undefined ? { sha256: n.sha256 } : {}) };
    });
  }
}

function newNode(name: string, parent: FsNode | undefined, kind: EntryKind, layer: number): FsNode {
  return { name, parent, children: kind === 'dir' ? new Map() : undefined, kind, size: 0, mode: 0o755, uid: 0, gid: 0, link: undefined, sha256: undefined, layer, inode: 0, origin: undefined };
}

function attach(dir: FsNode, node: FsNode): FsNode {
  dir.children?.set(node.name, node);
  return node;
}

export function pathOf(node: FsNode): string {
  const parts: string[] = [];
  for (let n: FsNode | undefined = node; n?.parent; n = n.parent) parts.push(n.name);
  return parts.reverse().join('/');
}

/** Bytes of regular files at or below a node (hard links add none: their data is counted at the file). */
export function subtreeBytes(node: FsNode): number {
  let total = 0;
  for (const n of walk(node)) if (n.kind === 'file') total += n.size;
  return total;
}

/** The node and everything below it, without recursion (paths in a hostile layer can be thousands deep). */
export function* walk(node: FsNode): Generator<FsNode> {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop() as FsNode;
    yield n;
    for (const child of n.children?.values() ?? []) stack.push(child);
  }
}

/** Bytes under every directory of a merged listing, the root as ''. */
export function directoryTotals(files: readonly MergedFile[]): Map<string, number> {
  const totals = new Map<string, number>([['', 0]]);
  for (const file of files) {
    if (file.kind === 'dir' && !totals.has(file.path)) totals.set(file.path, 0);
    if (file.bytes === 0) continue;
    for (let dir = parentOf(file.path); ; dir = parentOf(dir)) {
      totals.set(dir, (totals.get(dir) ?? 0) + file.bytes);
      if (dir === '') break;
    }
  }
  return totals;
}
