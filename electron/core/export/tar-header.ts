// The ustar headers an export writes: regular files only, mtime 0 (two exports of one image are the same bytes),
// sizes past 8 GiB in GNU base-256, names past 100 bytes in a pax extended header.
import { StevedoreError } from '../errors.js';

export const BLOCK = 512;
export const ZEROS = Buffer.alloc(BLOCK * 2);
/** The largest size 11 octal digits hold; beyond it the size field is GNU base-256. */
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

function writeSize(header: Buffer, size: number, offset: number): void {
  if (size <= MAX_OCTAL_SIZE) return writeOctal(header, size, offset, 12);
  header[offset] = 0x80;
  let rest = BigInt(size);
  for (let i = offset + 11; i > offset; i--) {
    header[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** The longest entry name a plain ustar header holds; longer ones get a pax `path` record first. */
const MAX_USTAR_NAME = 100;
/** Names are built by the export from digests (sha512 hex is 128 characters): plain paths, never anything else. */
const PLAIN_PATH = /^[\w.+/-]+$/;

function ustarBlock(name: string, size: number, type: '0' | 'x'): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, MAX_USTAR_NAME, 'utf8');
  writeOctal(header, 0o644, 100, 8);
  writeOctal(header, 0, 108, 8);
  writeOctal(header, 0, 116, 8);
  writeSize(header, size, 124);
  writeOctal(header, 0, 136, 12);
  header.fill(' ', 148, 156);
  header.write(type, 156, 'ascii');
  header.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** A pax record `"<len> path=<name>\n"`, where <len> counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body);
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/**
 * The header of a regular file: one ustar block, or for a name past 100 bytes (a sha384 or sha512 blob path, a
 * config named by its sha512 hex) a pax extended header carrying the whole name, then the ustar block. Every entry
 * gets mtime 0, so two exports of one image are the same bytes. The length depends on the name only.
 */
export function fileHeader(name: string, size: number): Buffer {
  if (name.length === 0 || Buffer.byteLength(name) > 1024 || !PLAIN_PATH.test(name) || name.split('/').includes('..')) throw new StevedoreError('INTERNAL', `tar entry name "${name}" is not a plain path`);
  if (Buffer.byteLength(name) <= MAX_USTAR_NAME) return ustarBlock(name, size, '0');
  const records = Buffer.from(paxRecord('path', name));
  const padding = (BLOCK - (records.length % BLOCK)) % BLOCK;
  // The ustar name a reader without pax support would see: the tail of the path, still a plain name.
  const short = name.slice(-MAX_USTAR_NAME);
  return Buffer.concat([ustarBlock(`PaxHeaders/${short}`.slice(0, MAX_USTAR_NAME), records.length, 'x'), records, Buffer.alloc(padding), ustarBlock(short, size, '0')]);
}
