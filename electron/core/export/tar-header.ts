// The ustar headers an export writes: regular files only, mtime 0 (two exports of one image are the same bytes),
// sizes past 8 GiB in GNU base-256.
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

/** A ustar header for a regular file; every entry gets mtime 0, so two exports of one image are the same bytes. */
export function fileHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[\w./-]+$/.test(name)) throw new StevedoreError('INTERNAL', `tar entry name "${name}" is not a short plain path`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  writeOctal(header, 0o644, 100, 8);
  writeOctal(header, 0, 108, 8);
  writeOctal(header, 0, 116, 8);
  writeSize(header, size, 124);
  writeOctal(header, 0, 136, 12);
  header.fill(' ', 148, 156);
  header.write('0', 156, 'ascii');
  header.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}
