// A layer index as bytes on disk, built to be verified and read back in a few milliseconds: columns instead of one
// object per entry, so a read is one checksum, a few typed-array views and two JSON arrays of strings (no gzip, no
// JSON of a hundred thousand tuples, no garbage to collect). The layout is sealed-columns.ts's:
//
//   stevedore-xray-2 <sha256 hex of everything after this line>\n
//   {"digest","diffId","tarSize","count","idBytes","pathBytes","linkCount","linkBytes","shaCount"} JSON, padded\n
//   sizes Float64[count] | uids, gids (Uint32 or Float64, idBytes)[count] each | modes Uint16[count]
//   | flags Uint8[count] (kind code, +16 when there is a link, +32 when there is a sha256)
//   | sha256s 32 bytes each | paths, a JSON array of strings | links, a JSON array of strings
import type { EntryKind, LayerEntry, LayerIndex } from '../../../shared/xray.js';
import { isDigest } from '../reference.js';
import { isIndexedEntry } from './indexed-entry.js';
import { DEFAULT_FRAMER_LIMITS } from './tar-framer.js';
import { type ColumnCounts, countsWithin, HAS_LINK, HAS_SHA, hasColumnCounts, isCount, KIND_CODES, LITTLE_ENDIAN, openSealed, seal, textColumns } from './sealed-columns.js';

export const MAGIC = 'stevedore-xray-2';
/** The most entries an index holds: the indexer's own limit, so a file declaring more was not written by it. */
export const MAX_INDEX_ENTRIES = DEFAULT_FRAMER_LIMITS.maxEntries;

interface Header extends ColumnCounts {
  readonly digest: string;
  readonly diffId: string;
  readonly tarSize: number;
}

function columnBytes(h: Pick<Header, 'count' | 'idBytes' | 'shaCount'>): number {
  return h.count * (8 + 2 * h.idBytes + 2 + 1) + h.shaCount * 32;
}

/** The file's bytes, or undefined when the index cannot be stored as it is (a field out of bounds). */
export function encodeIndex(index: LayerIndex): Buffer | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const { entries } = index;
  const count = entries.length;
  if (count > MAX_INDEX_ENTRIES) return undefined;
  const paths: string[] = new Array<string>(count);
  const links: string[] = [];
  let shaCount = 0;
  let wide = false;
  for (let i = 0; i < count; i++) {
    const e = entries[i] as LayerEntry;
    if (!isIndexedEntry(e)) return undefined;
    if (e.uid > 0xffffffff || e.gid > 0xffffffff) wide = true;
    paths[i] = e.path;
    if (e.link !== undefined) links.push(e.link);
    if (e.sha256 !== undefined) shaCount++;
  }
  const texts = textColumns(paths, links);
  const idBytes = wide ? 8 : 4;
  const header: Header = { digest: index.digest, diffId: index.diffId, tarSize: index.tarSize, count, idBytes, pathBytes: texts.pathText.length, linkCount: links.length, linkBytes: texts.linkText.length, shaCount };
  return seal(MAGIC, header, columnBytes(header), texts, (columns) => {
    columns.f64(entries, (e) => e.size);
    columns.ids(entries, idBytes, (e) => e.uid);
    columns.ids(entries, idBytes, (e) => e.gid);
    columns.u16(entries, (e) => e.mode);
    columns.flags(entries);
    columns.sha256s(entries);
  });
}

function headerOf(value: unknown): Header | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const h = value as Record<string, unknown>;
  const { digest, diffId } = h;
  if (typeof digest !== 'string' || !isDigest(digest) || typeof diffId !== 'string' || !isDigest(diffId)) return undefined;
  if (!isCount(h.tarSize) || !hasColumnCounts(h) || !countsWithin(h as unknown as Header, MAX_INDEX_ENTRIES)) return undefined;
  return h as unknown as Header;
}

/**
 * The index in `bytes` when it is whole (its checksum matches), well formed, and the index of `key` (its digest or
 * DiffID); otherwise undefined.
 */
export function decodeIndex(file: Buffer, key: string): LayerIndex | undefined {
  const opened = openSealed(file, MAGIC, 4096);
  const header = opened && headerOf(opened.header);
  if (!opened || !header || (key !== header.digest && key !== header.diffId)) return undefined;
  const { count, idBytes, shaCount, pathBytes, linkCount, linkBytes } = header;
  const { columns } = opened;
  if (!columns.remains(columnBytes(header) + pathBytes + linkBytes)) return undefined;
  const sizes = columns.f64(count);
  const uids = columns.ids(count, idBytes);
  const gids = columns.ids(count, idBytes);
  const modes = columns.u16(count);
  const flags = columns.bytes(count);
  const shas = columns.sha256s(shaCount);
  const paths = columns.strings(pathBytes, count);
  const links = columns.strings(linkBytes, linkCount);
  if (!paths || !links) return undefined;
  const entries: LayerEntry[] = new Array<LayerEntry>(count);
  let link = 0;
  let sha = 0;
  for (let i = 0; i < count; i++) {
    const flag = flags[i] as number;
    const code = flag & 15;
    const path = paths[i] as string;
    // A float64 read is a heap number; an int32 is a small integer, which keeps the entry (and every node and row the
    // merge copies it to) free of boxed fields.
    const raw = sizes[i] as number;
    const size = raw < 2 ** 31 ? raw | 0 : raw;
    const uid = uids[i] as number;
    const gid = gids[i] as number;
    const mode = modes[i] as number;
    if (code >= KIND_CODES.length || flag > 63 || !isCount(raw)) return undefined;
    const kind = KIND_CODES[code] as EntryKind;
    let entry: LayerEntry;
    if ((flag & (HAS_LINK | HAS_SHA)) === 0) {
      entry = { path, kind, size, mode, uid, gid };
    } else if ((flag & HAS_SHA) === 0) {
      entry = { path, kind, size, mode, uid, gid, link: links[link++] as string };
    } else if ((flag & HAS_LINK) === 0) {
      entry = { path, kind, size, mode, uid, gid, sha256: shas.slice(sha * 64, ++sha * 64) };
    } else {
      entry = { path, kind, size, mode, uid, gid, link: links[link++] as string, sha256: shas.slice(sha * 64, ++sha * 64) };
    }
    // The file is ours but anyone with the user's rights can edit and reseal it: the indexer's rules hold here too.
    if (!isIndexedEntry(entry)) return undefined;
    entries[i] = entry;
  }
  // Every link and every checksum belongs to exactly one entry.
  if (sha !== shaCount || link !== linkCount) return undefined;
  return { digest: header.digest, diffId: header.diffId, tarSize: header.tarSize, entries };
}
