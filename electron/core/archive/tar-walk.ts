// The one tar walker both archive readers use: the plain-tar indexer (seeking in a file) and the sequential pass over
// a gzip-wrapped archive (a stream). Sharing it means the same bytes always give the same entries: the same number
// checks, the same end at the end-of-archive marker (as GNU tar), the same entry limit.
import { BLOCK, MAX_META_SIZE, checksumOk, decodeHeader, isZeroBlock, parsePax, typeOf } from './tar-header.js';
import { archiveInvalid, safeEntryName, type TarEntry } from './tar-entry.js';

/**
 * Entries an image archive may hold. docker save and OCI layouts hold a handful per image (layers are single files),
 * so this is far above any real archive and keeps a hostile one (millions of empty entries) from growing memory.
 */
export const MAX_ARCHIVE_ENTRIES = 100_000;
/** A path longer than Linux's PATH_MAX is no file an image archive holds (pax headers could carry a megabyte). */
export const MAX_NAME_BYTES = 4096;
/** Names are kept for every entry: their total is bounded too, not only their count. */
export const MAX_TOTAL_NAME_BYTES = 16 * 1024 * 1024;
/** Metadata headers (pax, GNU long names) apply to the next entry; more than a few in a row is not a real archive. */
const MAX_META_IN_A_ROW = 8;
const HEADER_ONLY: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6']);

/** Bytes read in order from the start of a tar. */
export interface TarInput {
  readonly position: number;
  /** Up to `length` bytes (fewer only at the end of the input). */
  read(length: number): Promise<Buffer>;
  /** Moves forward; returns how many bytes were passed (fewer only at the end of the input). */
  skip(length: number): Promise<number>;
}

export interface WalkedEntry extends TarEntry {
  /** Which entry of the archive this is (0, 1, ...): tells apart entries that share a name. */
  readonly ordinal: number;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/**
 * Yields each entry with `offset` at its data. The consumer may read up to `size` bytes of data from `input` before
 * asking for the next entry; the walker passes over whatever it left.
 */
export async function* walkTar(input: TarInput, signal?: AbortSignal): AsyncGenerator<WalkedEntry> {
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let metaInARow = 0;
  let ordinal = 0;
  let nameBytes = 0;
  for (;;) {
    signal?.throwIfAborted();
    const position = input.position;
    const block = await input.read(BLOCK);
    if (block.length === 0) break; // no end-of-archive marker: tolerated at an entry boundary (umoci, Go's writer)
    if (block.length < BLOCK) throw archiveInvalid('', `truncated archive (ends inside a tar header at byte ${position})`);
    if (isZeroBlock(block)) {
      // The end-of-archive marker: two zero blocks. Whatever follows is not part of the archive (GNU tar stops too).
      const second = await input.read(BLOCK);
      if (second.length === BLOCK && !isZeroBlock(second)) throw archiveInvalid('', `a lone zero block at byte ${position} inside the archive`);
      break;
    }
    const where = `tar header at byte ${position}`;
    if (!checksumOk(block, where)) {
      throw archiveInvalid('', ordinal === 0 && position === 0 ? 'not a tar archive (no valid tar header at the start)' : `corrupt tar header at byte ${position}`);
    }
    const header = decodeHeader(block, where);
    const dataStart = position + BLOCK;
    if (header.flag === 'x' || header.flag === 'g' || header.flag === 'L' || header.flag === 'K') {
      if (++metaInARow > MAX_META_IN_A_ROW) throw archiveInvalid('', `more than ${MAX_META_IN_A_ROW} metadata headers in a row at byte ${position}`);
      if (header.size > MAX_META_SIZE) throw archiveInvalid('', `tar metadata header of ${header.size} bytes at byte ${position}`);
      const data = await input.read(header.size);
      if (data.length < header.size) throw archiveInvalid('', 'truncated archive (ends inside a tar header)');
      // Global pax headers ('g') are checked but, as in most readers, not applied.
      if (header.flag === 'x') pax = parsePax(data, `pax header at byte ${position}`);
      else if (header.flag === 'g') parsePax(data, `pax header at byte ${position}`);
      else if (header.flag === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
      else longLink = data.toString('utf8').replace(/\0+$/, '');
      await input.skip(padded(header.size) - header.size);
      continue;
    }
    metaInARow = 0;
    const rawName = pax.path ?? longName ?? header.name;
    const rawLink = pax.linkpath ?? longLink ?? header.linkname;
    for (const text of [rawName, rawLink]) {
      if (Buffer.byteLength(text) > MAX_NAME_BYTES) throw archiveInvalid(`${rawName.slice(0, 80)}...`, `a name or link target longer than ${MAX_NAME_BYTES} bytes`);
    }
    nameBytes += Buffer.byteLength(rawName) + Buffer.byteLength(rawLink);
    if (nameBytes > MAX_TOTAL_NAME_BYTES) throw archiveInvalid('', `entry names add up to more than ${MAX_TOTAL_NAME_BYTES / 1024 / 1024} MB`);
    const type = typeOf(header.flag, rawName);
    const name = safeEntryName(rawName);
    // pax size overrides the header's, and is checked as strictly (parsePax).
    const stored = pax.size !== undefined ? Number(pax.size) : header.size;
    const size = type === 'file' ? stored : 0;
    pax = {};
    longName = undefined;
    longLink = undefined;
    if (ordinal >= MAX_ARCHIVE_ENTRIES) throw archiveInvalid('', `more than ${MAX_ARCHIVE_ENTRIES} entries: not an image archive Stevedore reads`);
    yield { name, type, size, offset: dataStart, ordinal: ordinal++, ...(type === 'symlink' || type === 'hardlink' ? { linkname: rawLink } : {}) };
    // Links, devices, directories and FIFOs are header-only whatever their size field says (as Go's archive/tar reads
    // them, and so docker and containerd); other types carry data.
    const dataEnd = dataStart + (HEADER_ONLY.has(header.flag) ? 0 : stored);
    const left = dataEnd - input.position;
    if (left < 0) throw new Error(`tar walker: the consumer read past entry "${name}"`);
    const passed = await input.skip(left);
    if (passed < left) throw archiveInvalid(name, `truncated: needs ${dataEnd - dataStart} bytes, the archive ends ${input.position - dataStart} bytes in`);
    // The last entry's padding may be missing (umoci 0.4 writes such layers): the next read finds the end.
    await input.skip(padded(dataEnd - dataStart) - (dataEnd - dataStart));
  }
  if (ordinal === 0) throw archiveInvalid('', input.position === 0 ? 'the file is empty' : 'not a tar archive (no entries)');
}

/** Reads an entry's data from the input, chunk by chunk; fails if the input ends first. */
export async function* entryData(input: TarInput & { readSome(max: number): Promise<Buffer> }, entry: TarEntry): AsyncGenerator<Buffer> {
  let left = entry.offset + entry.size - input.position;
  while (left > 0) {
    const chunk = await input.readSome(left);
    if (chunk.length === 0) throw archiveInvalid(entry.name, `truncated: needs ${entry.size} bytes, the archive ends ${entry.size - left} bytes in`);
    left -= chunk.length;
    yield chunk;
  }
}
