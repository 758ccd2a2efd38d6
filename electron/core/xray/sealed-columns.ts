// The layout both X-ray cache files share (a layer index, index-codec.ts; an image's merged view, merged-codec.ts):
//
//   MAGIC <sha256 hex of everything after this line>\n
//   a JSON header padded with spaces\n  (so the binary part starts at a multiple of 8 bytes)
//   columns of numbers (little-endian typed arrays) | sha256s 32 bytes each | paths, a JSON array | links, a JSON array
//
// The texts are JSON because JSON.parse gives each one as a flat string of its own (a split() of one big string gives
// slices of it, slower to cut and hash in the merge) and any text round-trips.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { EntryKind } from '../../../shared/xray.js';

export const KIND_CODES: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other'];
const CODE_OF: ReadonlyMap<EntryKind, number> = new Map(KIND_CODES.map((k, i) => [k, i]));
export const HAS_LINK = 16;
export const HAS_SHA = 32;
const MAX_TEXT = 4096;
/** Typed-array views read the host's byte order: elsewhere the files are neither written nor read. */
export const LITTLE_ENDIAN = endianness() === 'LE';

export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;
const firstLineOf = (magic: string): number => magic.length + 1 + 64 + 1;

/** What every header tells of the columns after it. */
export interface ColumnCounts {
  readonly count: number;
  readonly idBytes: 4 | 8;
  readonly pathBytes: number;
  readonly linkCount: number;
  readonly linkBytes: number;
  readonly shaCount: number;
}

/** Whether a parsed header's column counts are well formed. */
export function hasColumnCounts(h: Readonly<Record<string, unknown>>): boolean {
  return isCount(h.count) && isCount(h.pathBytes) && isCount(h.linkCount) && isCount(h.linkBytes) && isCount(h.shaCount) && (h.idBytes === 4 || h.idBytes === 8);
}

/** The most bytes one text takes in a JSON array: every UTF-16 unit escaped (`\u001f`), its quotes and a comma. */
const MAX_TEXT_JSON = MAX_TEXT * 6 + 3;

/**
 * Whether a header's counts can be those of a file this program wrote, checked before anything is decoded or
 * allocated: a cache file is a hint that anyone with the user's rights can edit and reseal, and one near the cache's
 * size limit declaring millions of rows would build millions of objects (memory runs out: a crash, not a miss). At most
 * `maxCount` rows (the limit the writer holds to), no more links or checksums than rows, and texts no longer than
 * their number of the longest storable text.
 */
export function countsWithin(h: ColumnCounts, maxCount: number): boolean {
  return h.count <= maxCount && h.shaCount <= h.count && h.linkCount <= h.count && h.pathBytes <= 2 + h.count * MAX_TEXT_JSON && h.linkBytes <= 2 + h.linkCount * MAX_TEXT_JSON;
}

/** The flags byte of a row: its kind's code, and whether it has a link and a sha256. */
export function flagsOf(kind: EntryKind, link: string | undefined, sha256: string | undefined): number {
  return (CODE_OF.get(kind) ?? KIND_CODES.length - 1) | (link !== undefined ? HAS_LINK : 0) | (sha256 !== undefined ? HAS_SHA : 0);
}

/** A text a path or a link may be in a cache file (the indexer's rules come on top). */
export function storableText(text: string, mayBeEmpty = false): boolean {
  return typeof text === 'string' && (mayBeEmpty || text.length > 0) && text.length <= MAX_TEXT;
}

export interface TextColumns {
  readonly pathText: Buffer;
  readonly linkText: Buffer;
}

export function textColumns(paths: readonly string[], links: readonly string[]): TextColumns {
  return { pathText: Buffer.from(JSON.stringify(paths), 'utf8'), linkText: Buffer.from(JSON.stringify(links), 'utf8') };
}

/**
 * The sealed file: `header` (all ASCII) as its second line, then what `writeColumns` writes from the offset it is
 * given (exactly `columnBytes`, ending with the sha256s), then the two texts.
 */
export function seal(magic: string, header: object, columnBytes: number, texts: TextColumns, writeColumns: (columns: ColumnWriter) => void): Buffer {
  const json = JSON.stringify(header);
  const firstLine = firstLineOf(magic);
  // The first line's length is fixed, so padding the header line aligns the columns.
  const headerLine = Buffer.from(`${json.padEnd(align8(firstLine + json.length + 1) - firstLine - 1)}\n`, 'latin1');
  const body = Buffer.alloc(headerLine.length + columnBytes + texts.pathText.length + texts.linkText.length);
  headerLine.copy(body, 0);
  writeColumns(new ColumnWriter(body, headerLine.length));
  const at = headerLine.length + columnBytes + texts.pathText.copy(body, headerLine.length + columnBytes);
  texts.linkText.copy(body, at);
  const checksum = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${magic} ${checksum}\n`, 'latin1'), body]);
}

export interface OpenedFile {
  /** The parsed JSON header, unchecked. */
  readonly header: unknown;
  readonly columns: ColumnReader;
}

/** The header and the columns of `file` when it is whole (magic and checksum right, header JSON); else undefined. */
export function openSealed(file: Buffer, magic: string, maxHeader = Infinity): OpenedFile | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const firstLine = firstLineOf(magic);
  if (file.length < firstLine || file.toString('latin1', 0, magic.length + 1) !== `${magic} ` || file[firstLine - 1] !== 0x0a) return undefined;
  // Typed arrays need aligned offsets: a buffer from a pool may start anywhere.
  const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
  const body = bytes.subarray(firstLine);
  if (bytes.toString('latin1', magic.length + 1, firstLine - 1) !== createHash('sha256').update(body).digest('hex')) return undefined;
  const newline = body.indexOf(0x0a);
  if (newline < 0 || newline > maxHeader || (body.byteOffset + newline + 1) % 8 !== 0) return undefined;
  try {
    return { header: JSON.parse(body.toString('utf8', 0, newline)) as unknown, columns: new ColumnReader(body, newline + 1) };
  } catch {
    return undefined;
  }
}

/** Reads the columns in order; each call takes the next one. */
/** Writes the columns, one after another, that ColumnReader reads back. */
export class ColumnWriter {
  readonly #body: Buffer;
  #at: number;

  constructor(body: Buffer, at: number) {
    this.#body = body;
    this.#at = at;
  }

  f64<T>(items: readonly T[], value: (item: T) => number): void {
    for (const item of items) this.#at = this.#body.writeDoubleLE(value(item), this.#at);
  }

  u32<T>(items: readonly T[], value: (item: T) => number): void {
    for (const item of items) this.#at = this.#body.writeUInt32LE(value(item), this.#at);
  }

  u16<T>(items: readonly T[], value: (item: T) => number): void {
    for (const item of items) this.#at = this.#body.writeUInt16LE(value(item), this.#at);
  }

  /** Ids: 4 bytes each, or 8 (as float64) when one of them does not fit. */
  ids<T>(items: readonly T[], idBytes: 4 | 8, value: (item: T) => number): void {
    if (idBytes === 8) this.f64(items, value);
    else this.u32(items, value);
  }

  /** A byte per entry: its kind, and whether it has a link and a sha256 (flagsOf). */
  flags(items: readonly { readonly kind: EntryKind; readonly link?: string; readonly sha256?: string }[]): void {
    for (const item of items) this.#body[this.#at++] = flagsOf(item.kind, item.link, item.sha256);
  }

  /** The sha256s of the entries that have one, 32 bytes each. */
  sha256s(items: readonly { readonly sha256?: string }[]): void {
    for (const item of items) if (item.sha256 !== undefined) this.#at += this.#body.write(item.sha256, this.#at, 'hex');
  }
}

export class ColumnReader {
  readonly #body: Buffer;
  #at: number;

  constructor(body: Buffer, at: number) {
    this.#body = body;
    this.#at = at;
  }

  /** Whether exactly `bytes` are left. */
  remains(bytes: number): boolean {
    return this.#body.length - this.#at === bytes;
  }

  f64(count: number): Float64Array {
    return new Float64Array(this.#body.buffer, this.#take(count * 8), count);
  }

  u32(count: number): Uint32Array {
    return new Uint32Array(this.#body.buffer, this.#take(count * 4), count);
  }

  u16(count: number): Uint16Array {
    return new Uint16Array(this.#body.buffer, this.#take(count * 2), count);
  }

  /** Ids: 4 bytes each, or 8 (as float64) when one of them does not fit. */
  ids(count: number, idBytes: 4 | 8): Float64Array | Uint32Array {
    return idBytes === 8 ? this.f64(count) : this.u32(count);
  }

  bytes(count: number): Buffer {
    const at = this.#take(count) - this.#body.byteOffset;
    return this.#body.subarray(at, at + count);
  }

  /** `count` sha256s as one hex string, 64 characters each. */
  sha256s(count: number): string {
    const at = this.#take(count * 32) - this.#body.byteOffset;
    return this.#body.toString('hex', at, at + count * 32);
  }

  /** A JSON array of `count` strings none longer than a path may be, `length` bytes long; or undefined. */
  strings(length: number, count: number): readonly string[] | undefined {
    const at = this.#take(length) - this.#body.byteOffset;
    // Checked before JSON.parse builds anything: the bounds let a few rows carry megabytes of text, and a resealed
    // `[[],[],…]` there would build millions of arrays (the heap runs out: a crash, not a miss) before its length
    // could be compared with `count`.
    if (!isFlatStringArray(this.#body.subarray(at, at + length), count)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(this.#body.toString('utf8', at, at + length));
    } catch {
      return undefined;
    }
    if (!Array.isArray(value) || value.length !== count) return undefined;
    for (const text of value) if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
    return value as string[];
  }

  /** The absolute offset (in the underlying ArrayBuffer) of the next `bytes`, which are then taken. */
  #take(bytes: number): number {
    const at = this.#body.byteOffset + this.#at;
    this.#at += bytes;
    return at;
  }
}

/** Whether the backslashes just before `text[quote]` (after `from`) escape it: an odd number of them. */
function isEscaped(text: Buffer, quote: number, from: number): boolean {
  let k = quote - 1;
  while (k > from && text[k] === 0x5c) k--;
  return (quote - 1 - k) % 2 === 1;
}

/**
 * Whether `text` is, as JSON.stringify writes it (no spaces), an array of exactly `count` strings: found by its quotes
 * and commas, without building anything. What is inside each string is left to JSON.parse.
 */
export function isFlatStringArray(text: Buffer, count: number): boolean {
  const end = text.length;
  if (end < 2 || text[0] !== 0x5b || text[end - 1] !== 0x5d) return false;
  if (count === 0) return end === 2;
  let at = 1;
  for (let n = 0; ; n++) {
    if (text[at] !== 0x22) return false;
    let close = at;
    do {
      close = text.indexOf(0x22, close + 1);
      if (close < 0) return false;
    } while (isEscaped(text, close, at));
    at = close + 1;
    if (n === count - 1) return at === end - 1;
    if (text[at] !== 0x2c) return false;
    at++;
  }
}
