// An image's merged filesystem as bytes on disk: what `stevedore files` shows (every path with its layer, sizes and
// directory totals) and the layers it came from, so a warm run reads one file instead of every layer's index and
// merging them again. The layout is sealed-columns.ts's, as a layer index's (index-codec.ts):
//
//   stevedore-xray-merged-1 <sha256 hex of everything after this line>\n
//   {"key","layers":[{"digest","diffId","tarSize","entries"}],"total","count","idBytes","pathBytes","linkCount","linkBytes",
//    "shaCount"} JSON, padded with spaces\n  (the binary part starts at a multiple of 8 bytes)
//   sizes Float64[count] | bytes Float64[count] (a directory: the bytes under it)
//   | uids, gids (Uint32 or Float64, idBytes)[count] each | layers Uint32[count] | modes Uint16[count]
//   | flags Uint8[count] (kind code, +16 when there is a link, +32 when there is a sha256)
//   | sha256s 32 bytes each | paths, a JSON array of strings (sorted, as the listing gives them) | links, likewise
//
// The key names the ordered layers (mergedKey): the same layers in another order are another file system. The magic
// carries the merge's version: a change to how layers merge or what a listing holds must change it.
import { createHash } from 'node:crypto';
import type { EntryKind, MergedFile } from '../../../shared/xray.js';
import { isDigest } from '../reference.js';
import { isLayerPath, isSymlinkTarget } from './entry-path.js';
import { MAX_INDEX_ENTRIES } from './index-codec.js';
import { type ColumnCounts, countsWithin, HAS_LINK, HAS_SHA, hasColumnCounts, isCount, KIND_CODES, LITTLE_ENDIAN, openSealed, seal, storableText, textColumns } from './sealed-columns.js';

export const MERGED_MAGIC = 'stevedore-xray-merged-1';
const SHA256_HEX = /^[a-f0-9]{64}$/;
/**
 * What a merged view this program writes (and so reads) holds at most: twice the entries of the largest layer index
 * (index-codec.ts), far more layers than an image has (overlay stacks 128 at most), and a header a thousand layers fit
 * in. A bigger image's merged view is computed each time, not cached; a file declaring more is a miss before anything
 * of it is decoded.
 */
export const MAX_MERGED_FILES = 2 * MAX_INDEX_ENTRIES;
export const MAX_MERGED_LAYERS = 1000;
const MAX_HEADER_BYTES = 1024 * 1024;

/** A layer as the merged view's consumers show it (the stored size comes from the manifest, not from here). */
export interface MergedLayer {
  readonly digest: string;
  readonly diffId: string;
  readonly tarSize: number;
  readonly entries: number;
}

/** Every path of the merged filesystem, sorted, and the bytes under every directory (the root as ''). */
export interface MergedListing {
  readonly files: readonly MergedFile[];
  readonly totals: ReadonlyMap<string, number>;
}

export interface StoredMergedView extends MergedListing {
  readonly layers: readonly MergedLayer[];
}

interface Header extends ColumnCounts {
  readonly key: string;
  readonly layers: readonly MergedLayer[];
  readonly total: number;
}


function columnBytes(h: Pick<Header, 'count' | 'idBytes' | 'shaCount'>): number {
  return h.count * (8 + 8 + 4 + 2 * h.idBytes + 2 + 1) + h.shaCount * 32;
}

/** The name of the merged view of these layers, in this order (each layer by its key and, when known, its DiffID). */
export function mergedKey(layers: readonly { readonly key: string; readonly diffId?: string }[]): string {
  const hash = createHash('sha256').update(`${MERGED_MAGIC}\n`);
  for (const layer of layers) hash.update(`${layer.key} ${layer.diffId ?? '-'}\n`);
  return `sha256:${hash.digest('hex')}`;
}

/** The file's bytes, or undefined when the view cannot be stored as it is (a field out of bounds). */
export function encodeMergedView(key: string, view: StoredMergedView): Buffer | undefined {
  if (!LITTLE_ENDIAN || !isDigest(key)) return undefined;
  const { files, totals, layers } = view;
  const count = files.length;
  if (count > MAX_MERGED_FILES || layers.length > MAX_MERGED_LAYERS) return undefined;
  const paths: string[] = new Array<string>(count);
  const links: string[] = [];
  let shaCount = 0;
  let wide = false;
  for (let i = 0; i < count; i++) {
    const f = files[i] as MergedFile;
    if (!storableText(f.path) || (f.link !== undefined && !storableText(f.link, true))) return undefined;
    if (f.sha256 !== undefined && !SHA256_HEX.test(f.sha256)) return undefined;
    if (!isCount(f.size) || !isCount(f.bytes) || !isCount(f.uid) || !isCount(f.gid) || !Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) return undefined;
    if (!isCount(f.layer) || f.layer >= layers.length || (f.kind === 'dir' && !isCount(totals.get(f.path) ?? 0))) return undefined;
    if (f.uid > 0xffffffff || f.gid > 0xffffffff) wide = true;
    paths[i] = f.path;
    if (f.link !== undefined) links.push(f.link);
    if (f.sha256 !== undefined) shaCount++;
  }
  const total = totals.get('') ?? 0;
  if (!isCount(total) || !layers.every((l) => layerOf(l))) return undefined;
  const texts = textColumns(paths, links);
  const idBytes = wide ? 8 : 4;
  const header: Header = {
    key,
    layers: layers.map((l) => ({ digest: l.digest, diffId: l.diffId, tarSize: l.tarSize, entries: l.entries })),
    total,
    count,
    idBytes,
    pathBytes: texts.pathText.length,
    linkCount: links.length,
    linkBytes: texts.linkText.length,
    shaCount,
  };
  return seal(MERGED_MAGIC, header, columnBytes(header), texts, (columns) => {
    columns.f64(files, (f) => f.size);
    columns.f64(files, (f) => (f.kind === 'dir' ? (totals.get(f.path) ?? 0) : f.bytes));
    columns.ids(files, idBytes, (f) => f.uid);
    columns.ids(files, idBytes, (f) => f.gid);
    columns.u32(files, (f) => f.layer);
    columns.u16(files, (f) => f.mode);
    columns.flags(files);
    columns.sha256s(files);
  });
}

function linkFits(kind: EntryKind, link: string | undefined): boolean {
  if (kind === 'hardlink') return link !== undefined && isLayerPath(link, true);
  if (kind === 'symlink') return link !== undefined && isSymlinkTarget(link);
  return link === undefined;
}

function layerOf(value: unknown): MergedLayer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { digest, diffId, tarSize, entries } = value as Record<string, unknown>;
  if (typeof digest !== 'string' || !isDigest(digest) || typeof diffId !== 'string' || !isDigest(diffId) || !isCount(tarSize) || !isCount(entries)) return undefined;
  return { digest, diffId, tarSize, entries };
}

function headerOf(value: unknown): Header | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const h = value as Record<string, unknown>;
  if (typeof h.key !== 'string' || !isDigest(h.key) || !Array.isArray(h.layers) || h.layers.length > MAX_MERGED_LAYERS) return undefined;
  if (!isCount(h.total) || !hasColumnCounts(h) || !countsWithin(h as unknown as Header, MAX_MERGED_FILES)) return undefined;
  const layers: MergedLayer[] = [];
  for (const l of h.layers as unknown[]) {
    const layer = layerOf(l);
    if (!layer) return undefined;
    layers.push(layer);
  }
  return { ...(h as unknown as Header), layers };
}

/** The view in `file` when it is whole (its checksum matches), well formed and the view of `key`; else undefined. */
export function decodeMergedView(file: Buffer, key: string): StoredMergedView | undefined {
  const opened = openSealed(file, MERGED_MAGIC, MAX_HEADER_BYTES);
  const header = opened && headerOf(opened.header);
  if (!opened || !header || header.key !== key) return undefined;
  const { count, idBytes, shaCount, pathBytes, linkCount, linkBytes, layers } = header;
  const { columns } = opened;
  if (!columns.remains(columnBytes(header) + pathBytes + linkBytes)) return undefined;
  const sizes = columns.f64(count);
  const under = columns.f64(count);
  const uids = columns.ids(count, idBytes);
  const gids = columns.ids(count, idBytes);
  const layerOfFile = columns.u32(count);
  const modes = columns.u16(count);
  const flags = columns.bytes(count);
  const shas = columns.sha256s(shaCount);
  const paths = columns.strings(pathBytes, count);
  const links = columns.strings(linkBytes, linkCount);
  if (!paths || !links) return undefined;
  const files: MergedFile[] = new Array<MergedFile>(count);
  const totals = new Map<string, number>([['', header.total]]);
  let link = 0;
  let sha = 0;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const flag = flags[i] as number;
    const code = flag & 15;
    const path = paths[i] as string;
    const rawSize = sizes[i] as number;
    const rawBytes = under[i] as number;
    // Small integers, not heap numbers, in the objects made here (as a layer index's decoding does).
    const size = rawSize < 2 ** 31 ? rawSize | 0 : rawSize;
    const bytesHere = rawBytes < 2 ** 31 ? rawBytes | 0 : rawBytes;
    const layer = layerOfFile[i] as number;
    const uid = uids[i] as number;
    const gid = gids[i] as number;
    const mode = modes[i] as number;
    // Paths come sorted and once each, as a listing gives them.
    if (code >= KIND_CODES.length || flag > 63 || path.length === 0 || mode > 0o7777 || layer >= layers.length || !(path > previous)) return undefined;
    if (!isCount(rawSize) || !isCount(rawBytes) || (idBytes === 8 && (!isCount(uid) || !isCount(gid)))) return undefined;
    previous = path;
    const kind = KIND_CODES[code] as EntryKind;
    // Only what a merge of indexed layers can hold: a resealed file cannot bring in `..`, NUL or a leading `/`.
    if (!isLayerPath(path) || !linkFits(kind, (flag & HAS_LINK) === 0 ? undefined : links[link])) return undefined;
    let bytes = bytesHere;
    if (kind === 'dir') {
      totals.set(path, bytesHere);
      bytes = 0;
    }
    // One literal per shape, keys in the order a merge makes them (what --json prints).
    if ((flag & (HAS_LINK | HAS_SHA)) === 0) {
      files[i] = { path, kind, size, bytes, mode, uid, gid, layer };
    } else if ((flag & HAS_SHA) === 0) {
      files[i] = { path, kind, size, bytes, mode, uid, gid, layer, link: links[link++] as string };
    } else if ((flag & HAS_LINK) === 0) {
      files[i] = { path, kind, size, bytes, mode, uid, gid, layer, sha256: shas.slice(sha * 64, ++sha * 64) };
    } else {
      files[i] = { path, kind, size, bytes, mode, uid, gid, layer, link: links[link++] as string, sha256: shas.slice(sha * 64, ++sha * 64) };
    }
  }
  if (sha !== shaCount || link !== linkCount) return undefined;
  return { files, totals, layers };
}
