// Layer X-ray: what is inside each layer of an image, the merged filesystem, wasted space and file diffs.
export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

/** One tar entry of a layer, as the layer holds it (whiteout files included, paths without a leading `/`). */
export interface LayerEntry {
  readonly path: string;
  readonly kind: EntryKind;
  /** Bytes of file data (0 for everything but regular files). */
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Symlink target as written, or the hard link's target path (normalised like `path`). */
  readonly link?: string;
  /** sha256 hex of a regular file's bytes. */
  readonly sha256?: string;
}

export interface LayerIndex {
  /** The blob digest (registry) or the uncompressed digest (archive layers whose stored digest is unknown). */
  readonly digest: string;
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  readonly diffId: string;
  /** Bytes of the uncompressed tar stream. */
  readonly tarSize: number;
  readonly entries: readonly LayerEntry[];
}

export type ChangeKind = 'added' | 'changed' | 'removed';

/** A path of the merged filesystem. */
export interface MergedFile {
  readonly path: string;
  readonly kind: EntryKind;
  /** Apparent size: a hard link has its target's size. */
  readonly size: number;
  /** Bytes this path accounts for on disk: a hard-linked file counts once, at its first path in sorted order. */
  readonly bytes: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly link?: string;
  readonly sha256?: string;
  /** Index of the layer that last wrote it. */
  readonly layer: number;
}

export interface LayerChange {
  readonly path: string;
  readonly change: ChangeKind;
  readonly kind: EntryKind;
  /** New size for added/changed, the removed bytes for removed (a directory: everything under it). */
  readonly size: number;
}

/** How many paths a layer adds, changes and removes in the merged filesystem. */
export interface LayerChangeCounts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
}

export interface LayerChanges {
  readonly layer: number;
  readonly digest: string;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly addedBytes: number;
  readonly changedBytes: number;
  readonly removedBytes: number;
  readonly changes: readonly LayerChange[];
}

export interface WasteItem {
  readonly path: string;
  /** How many layers hold (or delete) this path. */
  readonly count: number;
  /** dive's CumulativeSize: the bytes of every copy. */
  readonly totalBytes: number;
  /** What squashing the repetition away would save: every copy but the one the image shows (all of them when it is deleted). */
  readonly reclaimableBytes: number;
}

export interface WasteReport {
  /** dive's efficiency score: sum of each path's smallest copy over the sum of all copies (1 when nothing repeats). */
  readonly efficiency: number;
  /** dive's wasted bytes: the cumulative size of every path found in more than one layer. */
  readonly wastedBytes: number;
  /** What squashing would save: every copy of those paths but the one the image shows (the offenders' reclaimable sum). */
  readonly reclaimableBytes: number;
  /** How many paths are found in more than one layer (`offenders` holds the largest of them). */
  readonly wastedPaths: number;
  /** File bytes of every layer, each copy of a path counted: what the wasted bytes are a part of. */
  readonly layerBytes: number;
  /** wastedBytes over layerBytes, in percent: from 0 to 100. What the CLI and the Files tab print. */
  readonly wastedPercent: number;
  /** Bytes of all layers after the first (dive's "user" layers). */
  readonly userBytes: number;
  /**
   * dive's "% of user layers": wastedBytes over userBytes. The wasted bytes count the first layer's copies too, so
   * this passes 100 when a later layer rewrites much of the first: kept for --json (dive's users), printed nowhere.
   */
  readonly userWastedPercent: number;
  /** Paths found in more than one layer, largest cumulative size first. */
  readonly offenders: readonly WasteItem[];
}

export interface FileDiffItem {
  readonly path: string;
  readonly change: ChangeKind;
  readonly kind: EntryKind;
  readonly oldSize: number;
  readonly newSize: number;
  readonly delta: number;
  /** Layer of the second image that wrote (or removed) the path, when it did. */
  readonly layer?: number;
  /** Only its mode or owner changed: the same content, no bytes. */
  readonly metadata?: boolean;
}

export interface PathDelta {
  readonly path: string;
  readonly delta: number;
}

export interface FileDiff {
  readonly oldBytes: number;
  readonly newBytes: number;
  readonly delta: number;
  /** Largest |delta| first. */
  readonly items: readonly FileDiffItem[];
  /** The few paths (files or directories) that explain most of the size change. */
  readonly top: readonly PathDelta[];
}

/** What opening a file gives: its text when it is text of at most the limit, else only what it is. */
export interface OpenedFile {
  readonly path: string;
  readonly layer: number;
  readonly layerDigest: string;
  readonly size: number;
  readonly sha256?: string;
  readonly binary: boolean;
  readonly text?: string;
}

export interface XrayLayerSummary {
  readonly digest: string;
  readonly diffId: string;
  /** Stored (compressed) bytes. */
  readonly size: number;
  readonly tarSize: number;
  /** Entries in the layer's tar, directories, links and whiteouts included: not the number of changes it makes. */
  readonly entries: number;
  /** What the layer adds, changes and removes, as its changes list them; absent where only the tar was counted. */
  readonly changes?: LayerChangeCounts;
}

/** An image's merged filesystem as the Files tab shows it: directories carry the bytes under them. */
export interface XrayFilesView {
  readonly name: string;
  readonly platform: string;
  readonly layers: readonly XrayLayerSummary[];
  readonly files: readonly MergedFile[];
  readonly totalBytes: number;
  /** Layers that came from the cache rather than the network. */
  readonly cached: number;
}

/** A file diff with its items capped for the wire; `more` says how many were left out. */
export interface XrayDiffView extends FileDiff {
  readonly from: string;
  readonly to: string;
  readonly more: number;
}

export interface XrayProgress {
  /** The image as the request named it. */
  readonly target: string;
  readonly layer: number;
  readonly bytes: number;
  readonly total: number;
  readonly done: boolean;
  readonly cached: boolean;
}
