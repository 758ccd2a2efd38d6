// Decodes one tar header block and the metadata entries (pax, GNU long names) before it. Every number comes from
// untrusted bytes, so each is parsed strictly: octal digits only (or GNU base-256), never negative, never NaN.
import { archiveInvalid, type EntryType } from './tar-entry.js';

export const BLOCK = 512;
/** pax and GNU long-name entries hold a few names and numbers; anything larger is not metadata. */
export const MAX_META_SIZE = 1024 * 1024;

/** A header as read: the name is still raw (checked by safeEntryName later). */
export interface RawHeader {
  readonly flag: string;
  readonly name: string;
  readonly linkname: string;
  readonly size: number;
}

function text(block: Uint8Array, start: number, length: number): string {
  const slice = Buffer.from(block.buffer, block.byteOffset + start, length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}

/** A numeric field: octal ASCII padded with spaces/NULs, or GNU base-256 (top bit set) for large values. */
export function tarNumber(block: Uint8Array, start: number, length: number, what: string, where: string): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    // 0xff starts a negative base-256 number: no field Stevedore reads may be negative.
    if (first === 0xff) throw archiveInvalid(where, `negative ${what} in the tar header`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw archiveInvalid(where, `${what} in the tar header is too large`);
    return value;
  }
  const raw = Buffer.from(block.buffer, block.byteOffset + start, length).toString('latin1');
  const trimmed = raw.replace(/^[ \0]+/, '').replace(/[ \0]+$/, '');
  if (trimmed === '') return 0;
  if (!/^[0-7]+$/.test(trimmed)) throw archiveInvalid(where, `${what} "${printable(raw)}" in the tar header is not an octal number`);
  return parseInt(trimmed, 8);
}

function printable(raw: string): string {
  let out = '';
  for (const c of raw) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code >= 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Checks the header checksum; false means "not a tar header". */
export function checksumOk(block: Uint8Array, where: string): boolean {
  let stored: number;
  try {
    stored = tarNumber(block, 148, 8, 'checksum', where);
  } catch {
    return false;
  }
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += block[i] ?? 0;
  return stored === sum;
}

/** Decodes a header block that passed `checksumOk`; `where` names it in errors (e.g. "byte 1536"). */
export function decodeHeader(block: Uint8Array, where: string): RawHeader {
  const flag = String.fromCharCode(block[156] ?? 0);
  // Each number is checked even when unused: a corrupt field means a corrupt archive.
  tarNumber(block, 100, 8, 'mode', where);
  tarNumber(block, 108, 8, 'uid', where);
  tarNumber(block, 116, 8, 'gid', where);
  tarNumber(block, 136, 12, 'mtime', where);
  const size = tarNumber(block, 124, 12, 'size', where);
  // POSIX ustar has a name prefix at 345; GNU's "ustar  " keeps other fields there.
  const ustar = text(block, 257, 6) === 'ustar' && block[262] === 0;
  const prefix = ustar ? text(block, 345, 155) : '';
  const base = text(block, 0, 100);
  return { flag, name: prefix ? `${prefix}/${base}` : base, linkname: text(block, 157, 100), size };
}

/** pax extended header records: "<length> <key>=<value>\n", each checked. */
export function parsePax(data: Uint8Array, where: string): Record<string, string> {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Record<string, string> = {};
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0) break; // NUL padding after the last record
    const space = bytes.indexOf(0x20, i);
    const lengthText = space < 0 ? '' : bytes.subarray(i, space).toString('latin1');
    if (!/^[0-9]{1,7}$/.test(lengthText)) throw archiveInvalid(where, 'malformed pax record length');
    const length = Number(lengthText);
    if (length <= space - i + 1 || i + length > bytes.length || bytes[i + length - 1] !== 0x0a) throw archiveInvalid(where, 'malformed pax record');
    const record = bytes.subarray(space + 1, i + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq <= 0) throw archiveInvalid(where, 'malformed pax record (no key)');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    i += length;
  }
  for (const key of ['size', 'uid', 'gid']) {
    const value = out[key];
    if (value !== undefined && !(/^[0-9]{1,16}$/.test(value) && Number.isSafeInteger(Number(value)))) throw archiveInvalid(where, `pax ${key} "${printable(value)}" is not a non-negative integer`);
  }
  for (const key of ['mtime', 'atime', 'ctime']) {
    const value = out[key];
    if (value !== undefined && !/^[0-9]{1,16}(\.[0-9]{1,16})?$/.test(value)) throw archiveInvalid(where, `pax ${key} "${printable(value)}" is not a non-negative number`);
  }
  return out;
}

export function typeOf(flag: string, name: string): EntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      // Pre-POSIX tars mark directories only by a trailing slash.
      return name.endsWith('/') ? 'directory' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}
