// A layer index as bytes on disk, built to be verified and read back in a few milliseconds: columns instead of one
// object per entry, so a read is one checksum, a few typed-array views and two JSON arrays of strings (no gzip, no
// JSON of a hundred thousand tuples, no garbage to collect).
//
//   stevedore-xray-2 <sha256 hex of everything after this line>\n
//   {"digest","diffId","tarSize","count","idBytes","pathBytes","linkCount","linkBytes","shaCount"} JSON, padded with spaces\n
//   (the binary part starts at a multiple of 8 bytes)
//   sizes Float64[count] | uids, gids (Uint32 or Float64, idBytes)[count] each | modes Uint16[count]
//   | flags Uint8[count] (kind code, +16 when there is a link, +32 when there is a sha256)
//   | sha256s 32 bytes each | paths, a JSON array of strings | links, a JSON array of strings
//
// Numbers are little-endian. The texts are JSON because JSON.parse gives each one as a flat string of its own (a
// split() of one big string gives slices of it, slower to cut and hash in the merge) and any text round-trips.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { EntryKind, LayerEntry, LayerIndex } from '../../../shared/xray.js';
import { isDigest } from '../reference.js';
import { isIndexedEntry } from './indexed-entry.js';

export const MAGIC = 'stevedore-xray-2';
const KIND_CODES: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'];
const CODE_OF: ReadonlyMap<EntryKind, number> = new Map(KIND_CODES.map((k, i) => [k, i]));
const HAS_LINK = 16;
const HAS_SHA = 32;
const MAX_TEXT = 4096;
const LITTLE_ENDIAN = endianness() === 'LE';

interface Header {
  readonly digest: string;
  readonly diffId: string;
  readonly tarSize: number;
  readonly count: number;
  readonly idBytes: 4 | 8;
  readonly pathBytes: number;
  readonly linkCount: number;
  readonly linkBytes: number;
  readonly shaCount: number;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function columnBytes(h: Pick<Header, 'count' | 'idBytes' | 'shaCount'>): number {
  return h.count * (8 + 2 * h.idBytes + 2 + 1) + h.shaCount * 32;
}

/** The file's bytes, or undefined when the index cannot be stored as it is (a field out of bounds). */
export function encodeIndex(index: LayerIndex): Buffer | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const { entries } = index;
  const count = entries.length;
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
  const pathText = Buffer.from(JSON.stringify(paths), 'utf8');
  const linkText = Buffer.from(JSON.stringify(links), 'utf8');
  const idBytes = wide ? 8 : 4;
  const header: Header = { digest: index.digest, diffId: index.diffId, tarSize: index.tarSize, count, idBytes, pathBytes: pathText.length, linkCount: links.length, linkBytes: linkText.length, shaCount };
  const json = JSON.stringify(header);
  // The first line's length is fixed (magic, space, 64 hex, newline), so padding the header line aligns the columns.
  const firstLine = MAGIC.length + 1 + 64 + 1;
  const headerLine = Buffer.from(`${json.padEnd(align8(firstLine + json.length + 1) - firstLine - 1)}\n`, 'latin1');
  const body = Buffer.alloc(headerLine.length + columnBytes(header) + pathText.length + linkText.length);
  headerLine.copy(body, 0);
  let at = headerLine.length;
  const f64 = (values: (e: LayerEntry) => number): void => {
    for (let i = 0; i < count; i++, at += 8) body.writeDoubleLE(values(entries[i] as LayerEntry), at);
  };
  const id = (values: (e: LayerEntry) => number): void => {
    if (wide) return f64(values);
    for (let i = 0; i < count; i++, at += 4) body.writeUInt32LE(values(entries[i] as LayerEntry), at);
  };
  f64((e) => e.size);
  id((e) => e.uid);
  id((e) => e.gid);
  for (let i = 0; i < count; i++, at += 2) body.writeUInt16LE((entries[i] as LayerEntry).mode, at);
  for (let i = 0; i < count; i++, at++) {
    const e = entries[i] as LayerEntry;
    body[at] = (CODE_OF.get(e.kind) ?? KIND_CODES.length - 1) | (e.link !== undefined ? HAS_LINK : 0) | (e.sha256 !== undefined ? HAS_SHA : 0);
  }
  for (const e of entries) {
    if (e.sha256 !== undefined) at += body.write(e.sha256, at, 'hex');
  }
  at += pathText.copy(body, at);
  linkText.copy(body, at);
  const checksum = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC} ${checksum}\n`, 'latin1'), body]);
}

/** A JSON array of `count` strings none longer than a path may be, or undefined. */
function strings(json: string, count: number): readonly string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== count) return undefined;
  for (const text of value) if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  return value as string[];
}

function headerOf(value: unknown): Header | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const h = value as Record<string, unknown>;
  const { digest, diffId } = h;
  if (typeof digest !== 'string' || !isDigest(digest) || typeof diffId !== 'string' || !isDigest(diffId)) return undefined;
  if (!isCount(h.tarSize) || !isCount(h.count) || !isCount(h.pathBytes) || !isCount(h.linkCount) || !isCount(h.linkBytes) || !isCount(h.shaCount)) return undefined;
  if (h.idBytes !== 4 && h.idBytes !== 8) return undefined;
  return h as unknown as Header;
}

/**
 * The index in `bytes` when it is whole (its checksum matches), well formed, and the index of `key` (its digest or
 * DiffID); otherwise undefined.
 */
export function decodeIndex(file: Buffer, key: string): LayerIndex | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const firstLine = MAGIC.length + 1 + 64 + 1;
  if (file.length < firstLine || file.toString('latin1', 0, MAGIC.length + 1) !== `${MAGIC} ` || file[firstLine - 1] !== 0x0a) return undefined;
  // Typed arrays need aligned offsets: a buffer from a pool may start anywhere.
  const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
  const body = bytes.subarray(firstLine);
  if (bytes.toString('latin1', MAGIC.length + 1, firstLine - 1) !== createHash('sha256').update(body).digest('hex')) return undefined;
  const newline = body.indexOf(0x0a);
  if (newline < 0 || newline > 4096) return undefined;
  let header: Header | undefined;
  try {
    header = headerOf(JSON.parse(body.toString('utf8', 0, newline)));
  } catch {
    return undefined;
  }
  if (!header || (key !== header.digest && key !== header.diffId)) return undefined;
  const { count, idBytes, shaCount, pathBytes, linkCount, linkBytes } = header;
  let at = newline + 1;
  if ((body.byteOffset + at) % 8 !== 0 || body.length - at !== columnBytes(header) + pathBytes + linkBytes) return undefined;
  const { buffer, byteOffset } = body;
  const sizes = new Float64Array(buffer, byteOffset + at, count);
  at += count * 8;
  const ids = (): Float64Array | Uint32Array => {
    const view = idBytes === 8 ? new Float64Array(buffer, byteOffset + at, count) : new Uint32Array(buffer, byteOffset + at, count);
    at += count * idBytes;
    return view;
  };
  const uids = ids();
  const gids = ids();
  const modes = new Uint16Array(buffer, byteOffset + at, count);
  at += count * 2;
  const flags = body.subarray(at, at + count);
  at += count;
  const shas = body.toString('hex', at, at + shaCount * 32);
  at += shaCount * 32;
  const paths = strings(body.toString('utf8', at, at + pathBytes), count);
  at += pathBytes;
  const links = strings(body.toString('utf8', at, at + linkBytes), linkCount);
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
