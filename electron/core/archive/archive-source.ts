// An image archive on disk as a set of entries: a plain tar is indexed by seeking and read at offsets; a
// gzip-wrapped one is read in one sequential pass that hashes every entry and keeps the small ones (manifests,
// configs), so it can be described without a second pass and without a temporary copy.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Extract, type ExtractEvents, type Header } from 'tar-stream';
import { StevedoreError } from '../errors.js';
import { detectCompression } from './compression.js';
import { archiveInvalid, safeEntryName, type EntryType, type TarEntry } from './tar-entry.js';
import { indexTarFile } from './tar-index.js';

const SMALL_ENTRY_LIMIT = 1024 * 1024;
const SMALL_TOTAL_LIMIT = 64 * 1024 * 1024;
const HEAD_BYTES = 16;

export interface EntryFacts extends TarEntry {
  /** sha256 of the entry's bytes, when a sequential pass has hashed it. */
  readonly digest?: string;
  readonly head?: Buffer;
}

export interface ArchiveSource {
  readonly path: string;
  readonly gzipped: boolean;
  readonly entries: ReadonlyMap<string, EntryFacts>;
  /** Follows symlinks and hard links inside the archive to the file holding the bytes. */
  resolve(name: string): EntryFacts;
  readSmall(name: string, limit?: number): Promise<Buffer>;
  /** True when the bytes can be read without another pass (always, for a plain tar). */
  isInMemory(name: string): boolean;
  head(name: string): Promise<Buffer>;
  /** Streams a file's bytes; for gzip-wrapped archives, see `streamInOrder`. */
  openEntry(name: string, start?: number): Readable;
  /** A plain tar's entry read straight into `blockSize` buffers from `allocate` (fresh ones by default). */
  readBlocks(name: string, blockSize: number, allocate?: (size: number) => Uint8Array): AsyncIterable<Uint8Array>;
  /** One sequential pass handing each wanted file's stream to `onEntry` (the only way into a gzip-wrapped archive). */
  streamInOrder(wanted: ReadonlySet<string>, onEntry: (name: string, stream: Readable) => Promise<void>, signal?: AbortSignal): Promise<void>;
}

async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && detectCompression(head) === 'gzip';
  } finally {
    await handle.close();
  }
}

/** What reading an archive's structure found: plain data, so it can come back from a worker thread. */
export interface ArchiveIndex {
  readonly path: string;
  readonly gzipped: boolean;
  readonly entries: readonly EntryFacts[];
  /** Small files of a gzip-wrapped archive, kept from its one pass. */
  readonly small: readonly (readonly [string, Uint8Array])[];
}

export async function openArchive(path: string, signal?: AbortSignal): Promise<ArchiveSource> {
  return sourceFromIndex(await indexArchive(path, signal));
}

export function sourceFromIndex(index: ArchiveIndex): ArchiveSource {
  // Buffers come back from a worker as plain Uint8Arrays.
  const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = index.entries.map((e) => (e.head ? { ...e, head: asBuffer(e.head) } : e));
  return new Source(index.path, index.gzipped, toMap(entries), new Map(index.small.map(([name, bytes]) => [name, asBuffer(bytes)])));
}

export async function indexArchive(path: string, signal?: AbortSignal): Promise<ArchiveIndex> {
  let gzipped: boolean;
  try {
    gzipped = await isGzipFile(path);
  } catch (error) {
    throw new StevedoreError('ARCHIVE_INVALID', `cannot open archive ${path}: ${(error as Error).message}`);
  }
  if (!gzipped) return { path, gzipped, entries: await indexTarFile(path, signal), small: [] };
  const { entries, small } = await scanSequentially(path, signal);
  return { path, gzipped, entries, small: [...small] };
}

function toMap(entries: readonly EntryFacts[]): Map<string, EntryFacts> {
  const map = new Map<string, EntryFacts>();
  for (const entry of entries) if (entry.name !== '') map.set(entry.name, entry);
  return map;
}

function tarType(type: string): EntryType {
  if (type === 'file' || type === 'contiguous-file') return 'file';
  if (type === 'symlink') return 'symlink';
  if (type === 'link') return 'hardlink';
  if (type === 'directory') return 'directory';
  return 'other';
}

async function scanSequentially(path: string, signal?: AbortSignal): Promise<{ entries: EntryFacts[]; small: Map<string, Buffer> }> {
  const entries: EntryFacts[] = [];
  const small = new Map<string, Buffer>();
  let kept = 0;
  const tar = extract();
  onCheckedEntries(tar, (name, header, stream, next) => {
    const type = tarType(header.type ?? 'file');
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let head = Buffer.alloc(0);
    const keep = type === 'file' && (header.size ?? 0) <= SMALL_ENTRY_LIMIT && kept + (header.size ?? 0) <= SMALL_TOTAL_LIMIT;
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      hash.update(chunk);
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      if (keep) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('end', () => {
      if (keep) {
        small.set(name, Buffer.concat(chunks));
        kept += size;
      }
      entries.push({
        name,
        type,
        size: type === 'file' ? size : 0,
        offset: -1,
        ...(header.linkname ? { linkname: header.linkname } : {}),
        ...(type === 'file' ? { digest: `sha256:${hash.digest('hex')}`, head } : {}),
      });
      next();
    });
    stream.on('error', (error: Error) => next(error));
  });
  try {
    await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), createGunzip(), tar as unknown as Writable, { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw wrapStreamError(error);
  }
  if (entries.length === 0) throw archiveInvalid('', 'not a tar archive inside the gzip');
  return { entries, small };
}

type EntryStream = ExtractEvents['entry'][1];

/** tar-stream's entries with their names checked first: a hostile name fails the pass before its bytes are used. */
function onCheckedEntries(tar: Extract, handle: (name: string, header: Header, stream: EntryStream, next: (error?: Error | null) => void) => void): void {
  tar.on('entry', (header, stream, next) => {
    let name: string;
    try {
      name = safeEntryName(header.name);
    } catch (error) {
      stream.resume();
      next(error as Error);
      return;
    }
    handle(name, header, stream, next);
  });
}

function wrapStreamError(error: unknown): Error {
  if (error instanceof StevedoreError) return error;
  const message = (error as Error).message ?? String(error);
  if (/unexpected end of file|Unexpected end of data|premature/i.test(message)) return archiveInvalid('', 'truncated archive');
  if (/Invalid tar header|invalid header/i.test(message)) return archiveInvalid('', 'not a tar archive (invalid tar header)');
  if (/incorrect header check|invalid/i.test(message)) return archiveInvalid('', `corrupt gzip data (${message})`);
  return archiveInvalid('', message);
}

class Source implements ArchiveSource {
  constructor(
    readonly path: string,
    readonly gzipped: boolean,
    readonly entries: ReadonlyMap<string, EntryFacts>,
    private readonly small: ReadonlyMap<string, Buffer>,
  ) {}

  resolve(name: string): EntryFacts {
    let current = safeEntryName(name);
    for (let hops = 0; hops < 16; hops++) {
      const entry = this.entries.get(current);
      if (!entry) throw archiveInvalid(name, current === name ? 'missing from the archive' : `points at "${current}", which is missing`);
      if (entry.type === 'file') return entry;
      if (entry.type !== 'symlink' && entry.type !== 'hardlink') throw archiveInvalid(name, `is a ${entry.type}, not a file`);
      const link = entry.linkname ?? '';
      if (link.startsWith('/')) throw archiveInvalid(current, `link to absolute path "${link}" leaves the archive`);
      // Symlinks are relative to their own directory; hard links name a path from the archive root.
      const target = entry.type === 'symlink' ? posix.join(dirname(current) === '.' ? '' : dirname(current), link) : link;
      if (target.startsWith('..') || posix.normalize(target).startsWith('..')) throw archiveInvalid(current, `link "${link}" leaves the archive`);
      current = safeEntryName(posix.normalize(target));
    }
    throw archiveInvalid(name, 'too many levels of links');
  }

  isInMemory(name: string): boolean {
    return !this.gzipped || this.small.has(this.resolve(name).name);
  }

  async readSmall(name: string, limit = SMALL_ENTRY_LIMIT): Promise<Buffer> {
    const entry = this.resolve(name);
    if (entry.size > limit) throw archiveInvalid(name, `is ${entry.size} bytes, more than the ${limit} expected for metadata`);
    const kept = this.small.get(entry.name);
    if (kept) return kept;
    if (this.gzipped) throw archiveInvalid(name, 'was not kept from the sequential pass');
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(entry.size);
      const { bytesRead } = await handle.read(buffer, 0, entry.size, entry.offset);
      if (bytesRead !== entry.size) throw archiveInvalid(name, 'truncated');
      return buffer;
    } finally {
      await handle.close();
    }
  }

  async head(name: string): Promise<Buffer> {
    const entry = this.resolve(name);
    if (entry.head) return entry.head;
    if (entry.size === 0) return Buffer.alloc(0);
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(HEAD_BYTES, entry.size));
      await handle.read(buffer, 0, buffer.length, entry.offset);
      return buffer;
    } finally {
      await handle.close();
    }
  }

  openEntry(name: string, start = 0): Readable {
    const entry = this.resolve(name);
    if (this.gzipped) throw new StevedoreError('UNSUPPORTED', 'a gzip-wrapped archive can only be read in order');
    if (entry.size === 0 || start >= entry.size) return createReadStream(this.path, { start: 0, end: -1 });
    return createReadStream(this.path, { start: entry.offset + start, end: entry.offset + entry.size - 1, highWaterMark: 1024 * 1024 });
  }

  async *readBlocks(name: string, blockSize: number, allocate = (size: number) => new Uint8Array(size)): AsyncGenerator<Uint8Array> {
    const entry = this.resolve(name);
    if (this.gzipped) throw new StevedoreError('UNSUPPORTED', 'a gzip-wrapped archive can only be read in order');
    const handle = await open(this.path, 'r');
    try {
      for (let done = 0; done < entry.size; ) {
        const length = Math.min(blockSize, entry.size - done);
        const block = allocate(blockSize).subarray(0, length);
        const { bytesRead } = await handle.read(block, 0, length, entry.offset + done);
        if (bytesRead !== length) throw archiveInvalid(name, 'truncated while reading');
        done += length;
        yield block;
      }
    } finally {
      await handle.close();
    }
  }

  async streamInOrder(wanted: ReadonlySet<string>, onEntry: (name: string, stream: Readable) => Promise<void>, signal?: AbortSignal): Promise<void> {
    const resolved = new Set([...wanted].map((n) => this.resolve(n).name));
    const tar = extract();
    onCheckedEntries(tar, (name, _header, stream, next) => {
      if (!resolved.has(name)) {
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      onEntry(name, Readable.from(stream, { objectMode: false })).then(
        () => next(),
        (error: unknown) => {
          stream.destroy();
          next(error as Error);
        },
      );
    });
    const file = createReadStream(this.path, { highWaterMark: 1024 * 1024 });
    const sink = tar as unknown as Writable;
    try {
      if (this.gzipped) await pipeline(file, createGunzip(), sink, { signal });
      else await pipeline(file, sink, { signal });
    } catch (error) {
      if (signal?.aborted || error instanceof StevedoreError) throw error;
      throw wrapStreamError(error);
    }
  }
}
