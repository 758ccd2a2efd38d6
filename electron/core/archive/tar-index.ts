// Indexes a plain tar file by seeking from header to header: reads a few KB however large the archive, and gives
// each entry's data offset so entries can later be read in parallel. (tar-stream has no offset API; it is used
// for the sequential pass over gzip-wrapped archives.)
import { open, type FileHandle } from 'node:fs/promises';
import { archiveInvalid, safeEntryName, type EntryType, type TarEntry } from './tar-entry.js';

const BLOCK = 512;
const MAX_META_SIZE = 1024 * 1024;

function field(block: Buffer, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256 for sizes over 8 GB.
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = field(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = octal(block, 148, 8);
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += block[i] ?? 0;
  return stored === sum;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const length = parseInt(data.subarray(i, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, i + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += length;
  }
  return out;
}

function typeOf(flag: string): EntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
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

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

export async function indexTarFile(path: string, signal?: AbortSignal): Promise<TarEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const entries: TarEntry[] = [];
    let position = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    let zeroBlocks = 0;
    while (position + BLOCK <= fileSize) {
      signal?.throwIfAborted();
      const block = await readExactly(handle, BLOCK, position);
      if (block.length < BLOCK) break;
      if (block.every((b) => b === 0)) {
        if (++zeroBlocks === 2) break;
        position += BLOCK;
        continue;
      }
      zeroBlocks = 0;
      if (!checksumOk(block)) {
        throw archiveInvalid('', entries.length === 0 ? 'not a tar archive (no valid tar header at the start)' : `corrupt tar header at byte ${position}`);
      }
      const flag = String.fromCharCode(block[156] ?? 0);
      const size = octal(block, 124, 12);
      const dataStart = position + BLOCK;
      const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > MAX_META_SIZE) throw archiveInvalid('', `tar metadata header of ${size} bytes at byte ${position}`);
        const data = await readExactly(handle, size, dataStart);
        if (data.length < size) throw archiveInvalid('', 'truncated archive (ends inside a tar header)');
        if (flag === 'x') pax = parsePax(data);
        else if (flag === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
        else if (flag === 'K') longLink = data.toString('utf8').replace(/\0+$/, '');
        position = next;
        continue;
      }
      const magic = field(block, 257, 6);
      const prefix = magic.startsWith('ustar') ? field(block, 345, 155) : '';
      const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
      const rawLink = pax.linkpath ?? longLink ?? field(block, 157, 100);
      const realSize = pax.size !== undefined ? Number(pax.size) : size;
      const type = typeOf(flag);
      const name = safeEntryName(rawName);
      const dataEnd = dataStart + (type === 'file' ? realSize : 0);
      if (dataEnd > fileSize) throw archiveInvalid(name, `truncated: needs ${realSize} bytes, the archive ends ${fileSize - dataStart} bytes in`);
      entries.push({ name, type, size: type === 'file' ? realSize : 0, offset: dataStart, ...(type === 'symlink' || type === 'hardlink' ? { linkname: rawLink } : {}) });
      position = type === 'file' ? dataStart + Math.ceil(realSize / BLOCK) * BLOCK : next;
      pax = {};
      longName = undefined;
      longLink = undefined;
    }
    if (entries.length === 0) throw archiveInvalid('', fileSize === 0 ? 'the file is empty' : 'not a tar archive (no entries)');
    return entries;
  } finally {
    await handle.close();
  }
}
