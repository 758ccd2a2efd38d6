// The merged filesystem of an image: layers applied in order as the OCI image spec's "Representing Changes" says.
// In a layer, `.wh.<name>` deletes <name> and `.wh..wh..opq` hides everything below its directory, both from lower
// layers only, so they are applied before the layer's own entries; a later entry for the same path wins; a hard link
// shares the data of the file it names at the moment it is applied, as extraction would make it.
// Listings are cached (merged-codec.ts): a change to what a listing holds must change MERGED_MAGIC there.
import type { EntryKind, LayerChange, LayerEntry, MergedFile } from '../../../shared/xray.js';
import { baseName, joinPath } from './entry-path.js';

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

/** Where a merge reports each change: an array of them, or something that only counts them. */
export interface ChangeSink {
  push(change: LayerChange): unknown;
}

export function isWhiteout(path: string): boolean {
  return baseName(path).startsWith(WHITEOUT);
}

export class MergedFs {
  readonly root: FsNode = newNode('', undefined, 'dir', -1);
  /** Paths deleted by a whiteout or an opaque directory, with the layer that deleted them. */
  readonly removedBy = new Map<string, number>();
  #inodes = 0;
  /**
   * Directories found by path: most entries go into a directory seen before, and skip the walk from the root. A
   * directory taken out of the tree (removed, replaced) bumps the generation, which forgets them all.
   */
  #generation = 0;
  #dirs = new Map<string, FsNode>();
  #dirsGeneration = 0;

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
  apply(layer: number, entries: readonly LayerEntry[], changes?: ChangeSink): void {
    const removed = new Map<string, { kind: EntryKind; size: number }>();
    let whiteouts = false;
    for (const entry of entries) {
      const { path } = entry;
      const slash = path.lastIndexOf('/');
      if (!path.startsWith(WHITEOUT, slash + 1)) continue;
      whiteouts = true;
      const base = path.slice(slash + 1);
      const dir = slash < 0 ? '' : path.slice(0, slash);
      if (base === OPAQUE) {
        for (const child of [...(this.get(dir)?.children?.values() ?? [])]) this.#remove(child, layer, removed);
      } else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
        const target = this.get(joinPath(dir, base.slice(WHITEOUT.length)));
        if (target) this.#remove(target, layer, removed);
      }
    }
    for (let ordinal = 0; ordinal < entries.length; ordinal++) {
      const entry = entries[ordinal] as LayerEntry;
      if (!whiteouts || !isWhiteout(entry.path)) this.#add(layer, ordinal, entry, removed, changes);
    }
    for (const [path, { kind, size }] of removed) changes?.push({ path, change: 'removed', kind, size });
  }

  #remove(node: FsNode, layer: number, removed: Map<string, { kind: EntryKind; size: number }>): void {
    const path = pathOf(node);
    removed.set(path, { kind: node.kind, size: subtreeBytes(node) });
    this.removedBy.set(path, layer);
    node.parent?.children?.delete(node.name);
    node.parent = undefined;
    if (node.children) this.#generation++;
  }

  /** The directory at `path`, made (and anything not a directory in the way removed) as extraction would. */
  #directory(path: string, layer: number, removed: Map<string, { kind: EntryKind; size: number }>, changes: ChangeSink | undefined): FsNode {
    if (path === '') return this.root;
    if (this.#dirsGeneration !== this.#generation) {
      this.#dirs.clear();
      this.#dirsGeneration = this.#generation;
    }
    const known = this.#dirs.get(path);
    if (known) return known;
    const parts = path.split('/');
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
    // Made or found, the walk may have removed something in the way: remember it only if nothing moved meanwhile.
    if (this.#dirsGeneration === this.#generation) this.#dirs.set(path, dir);
    return dir;
  }

  #add(layer: number, ordinal: number, entry: LayerEntry, removed: Map<string, { kind: EntryKind; size: number }>, changes: ChangeSink | undefined): void {
    const { path } = entry;
    const slash = path.lastIndexOf('/');
    const name = slash < 0 ? path : path.slice(slash + 1);
    const dir = this.#directory(slash < 0 ? '' : path.slice(0, slash), layer, removed, changes);
    const existing = dir.children?.get(name);
    const wasThere = existing !== undefined || (removed.size > 0 && removed.delete(path));
    if (existing && existing.kind === 'dir' && entry.kind === 'dir') {
      const differs = existing.mode !== entry.mode || existing.uid !== entry.uid || existing.gid !== entry.gid;
      existing.mode = entry.mode;
      existing.uid = entry.uid;
      existing.gid = entry.gid;
      existing.layer = layer;
      if (differs) changes?.push({ path, change: 'changed', kind: 'dir', size: 0 });
      return;
    }
    if (existing?.kind === 'dir') {
      // A file replacing a directory takes everything under it away.
      for (const child of [...(existing.children?.values() ?? [])]) this.#remove(child, layer, removed);
    }
    let node: FsNode;
    if (existing && !existing.children && entry.kind !== 'dir') {
      // A path written again (a later layer, or the same tar twice): the node takes the new entry in place, as a new
      // node would, without one more object per entry.
      node = existing;
      node.kind = entry.kind;
      node.size = 0;
      node.sha256 = undefined;
      node.layer = layer;
      node.inode = 0;
      node.origin = undefined;
    } else {
      if (existing) {
        existing.parent = undefined;
        if (existing.children) this.#generation++;
      }
      node = attach(dir, newNode(name, dir, entry.kind, layer));
    }
    node.mode = entry.mode;
    node.uid = entry.uid;
    node.gid = entry.gid;
    node.link = entry.link;
    if (entry.kind === 'file') {
      node.size = entry.size;
      node.sha256 = entry.sha256;
      node.inode = ++this.#inodes;
      node.origin = { layer, ordinal };
    } else if (entry.kind === 'hardlink') {
      const target = entry.link !== undefined ? this.get(entry.link) : undefined;
      if (target && (target.kind === 'file' || target.kind === 'hardlink')) {
        node.size = target.size;
        node.sha256 = target.sha256;
        node.inode = target.inode;
        node.origin = target.origin;
      } else node.inode = ++this.#inodes;
    }
    changes?.push({ path, change: wasThere ? 'changed' : 'added', kind: entry.kind, size: entry.kind === 'file' ? entry.size : 0 });
  }

  /** Every path, sorted; a hard-linked file's bytes count once, at its first path in that order. */
  files(): MergedFile[] {
    return this.listing().files;
  }

  /** Every path, sorted (as files() gives them), and the bytes under every directory, the root as ''. */
  listing(): { files: MergedFile[]; totals: Map<string, number> } {
    const paths: string[] = [];
    const nodes: FsNode[] = [];
    const stack: [string, FsNode][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, FsNode];
      for (const child of node.children?.values() ?? []) {
        const childPath = path === '' ? child.name : `${path}/${child.name}`;
        paths.push(childPath);
        nodes.push(child);
        if (child.children) stack.push([childPath, child]);
      }
    }
    // Sorting positions by their paths: the comparison runs on numbers and strings already made.
    const order = Array.from(paths.keys()).sort((a, b) => {
      const pa = paths[a] as string;
      const pb = paths[b] as string;
      return pa < pb ? -1 : pa > pb ? 1 : 0;
    });
    const counted = new Set<number>();
    // Bytes go up the parent chain of nodes (numbers, no path strings to cut and hash), then out by directory path.
    const under = new Map<FsNode, number>();
    const files: MergedFile[] = new Array<MergedFile>(order.length);
    for (let i = 0; i < order.length; i++) {
      const at = order[i] as number;
      const n = nodes[at] as FsNode;
      let bytes = 0;
      if ((n.kind === 'file' || n.kind === 'hardlink') && !counted.has(n.inode)) {
        counted.add(n.inode);
        bytes = n.size;
        if (bytes !== 0) for (let dir = n.parent; dir; dir = dir.parent) under.set(dir, (under.get(dir) ?? 0) + bytes);
      }
      files[i] = mergedFile(paths[at] as string, n, bytes);
    }
    const totals = new Map<string, number>([['', under.get(this.root) ?? 0]]);
    for (const at of order) {
      const n = nodes[at] as FsNode;
      if (n.kind === 'dir') totals.set(paths[at] as string, under.get(n) ?? 0);
    }
    return { files, totals };
  }
}

function mergedFile(path: string, n: FsNode, bytes: number): MergedFile {
  const { kind, size, mode, uid, gid, layer, link, sha256 } = n;
  // One literal per shape (optional fields absent, not undefined): no spread of a temporary object per path.
  if (link === undefined && sha256 === undefined) return { path, kind, size, bytes, mode, uid, gid, layer };
  if (sha256 === undefined) return { path, kind, size, bytes, mode, uid, gid, layer, link };
  if (link === undefined) return { path, kind, size, bytes, mode, uid, gid, layer, sha256 };
  return { path, kind, size, bytes, mode, uid, gid, layer, link, sha256 };
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
