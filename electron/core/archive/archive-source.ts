// An image archive on disk as a set of entries: a plain tar is indexed by seeking and read at offsets; a
// gzip-wrapped one is read in one sequential pass that hashes every entry and keeps the small ones (manifests,
// configs), so it can be described without a second pass and without a temporary copy.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StevedoreError } from '../errors.js';
import { fileProblem, openRegularFile } from '../regular-file.js';
import { METADATA_LIMIT, digestFromBlobPath } from './blob-digest.js';
import { hashAlgorithm, hashAs, type HashAlgorithm } from './blob-digest.js';
import { detectCompression } from './compression.js';
import { archiveInvalid, safeEntryName, type TarEntry } from './tar-entry.js';
import { indexTarFile } from './tar-index.js';
import { StreamInput } from './tar-input.js';
import { entryData, walkTar, type WalkedEntry } from './tar-walk.js';

const SMALL_ENTRY_LIMIT = 1024 * 1024;
const SMALL_TOTAL_LIMIT = 64 * 1024 * 1024;
const HEAD_BYTES = 16;
/** One string per algorithm for every empty entry, rather than one per entry. */
const EMPTY_DIGEST: Readonly<Record<HashAlgorithm, string>> = {
  sha256: hashAs(new Uint8Array(0), 'sha256'),
  sha384: hashAs(new Uint8Array(0), 'sha384'),
  sha512: hashAs(new Uint8Array(0), 'sha512'),
};

export interface EntryFacts extends TarEntry {
  /** Digest of the entry's bytes when a sequential pass has hashed them: sha256, or the algorithm of its blobs/ path. */
  readonly digest?: string;
  readonly head?: Buffer;
  /** Which entry of the archive holds these bytes, when a name occurs more than once the last one. */
  readonly ordinal?: number;
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
  const handle = await openRegularFile(path, 'archive');
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

/**
 * The index of a plain tar with at most `atMost` entries, read here: a few header reads, cheaper than starting a
 * worker. Undefined for a gzip-wrapped archive or a longer one, which the caller reads on a worker instead.
 */
export async function indexSmallPlainTar(path: string, atMost: number, signal?: AbortSignal): Promise<ArchiveIndex | undefined> {
  if (await isGzipFile(path).catch(() => true)) return undefined;
  const entries = await indexTarFile(path, signal, atMost).catch(() => undefined);
  return entries === undefined ? undefined : { path, gzipped: false, entries, small: [] };
}

export async function indexArchive(path: string, signal?: AbortSignal): Promise<ArchiveIndex> {
  let gzipped: boolean;
  try {
    gzipped = await isGzipFile(path);
  } catch (error) {
    if (error instanceof StevedoreError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StevedoreError('NOT_FOUND', `archive ${path} does not exist`);
    throw new StevedoreError('ARCHIVE_INVALID', `archive ${path} ${fileProblem(error)}`);
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

/** Reads a tar (gzip-wrapped or not) once, in order, handing each entry to `onEntry` with the input at its data. */
async function readInOrder(path: string, gzipped: boolean, signal: AbortSignal | undefined, onEntry: (entry: WalkedEntry, input: StreamInput) => Promise<void>): Promise<void> {
  const handle = await openRegularFile(path, 'archive');
  const file = createReadStream(path, { fd: handle, highWaterMark: 1024 * 1024 });
  const walk = async (source: AsyncIterable<Buffer>): Promise<void> => {
    const input = new StreamInput(source);
    for await (const entry of walkTar(input, signal)) if (entry.name !== '') await onEntry(entry, input);
    // Past the end-of-archive marker nothing is read as entries, but the gzip stream is still checked to its end.
    await input.drain();
  };
  try {
    // zlib loads only for a gzip-wrapped archive: a plain one (most pushes) has no use for it.
    if (gzipped) await pipeline(file, (await import('node:zlib')).createGunzip(), walk, { signal });
    else await pipeline(file, walk, { signal });
  } catch (error) {
    if (signal?.aborted || error instanceof StevedoreError) throw error;
    throw wrapStreamError(error);
  }
}

async function scanSequentially(path: string, signal?: AbortSignal): Promise<{ entries: EntryFacts[]; small: Map<string, Buffer> }> {
  // By name: a later entry of the same name replaces an earlier one, as tar extraction does (and the plain reader).
  const entries = new Map<string, EntryFacts>();
  const small = new Map<string, Buffer>();
  let kept = 0;
  await readInOrder(path, true, signal, async (entry, input) => {
    const earlier = small.get(entry.name);
    if (earlier) {
      small.delete(entry.name);
      kept -= earlier.length;
    }
    const { name, type, ordinal } = entry;
    if (type !== 'file') {
      entries.set(name, { name, type, size: 0, offset: -1, ordinal, ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}) });
      return;
    }
    // Blobs are hashed with the algorithm their path names (blobs/sha512/...), everything else with sha256.
    const algorithm = hashAlgorithm(digestFromBlobPath(name) ?? '') ?? 'sha256';
    const hash = createHash(algorithm);
    // Kept: every small entry, and JSON (configs, manifests, indexes) up to the metadata limit the plain reader
    // allows, so a 2 MB config reads the same wrapped or not; never more than SMALL_TOTAL_LIMIT in all.
    const fits = entry.size > 0 && entry.size <= METADATA_LIMIT && kept + entry.size <= SMALL_TOTAL_LIMIT;
    let keep: boolean | undefined;
    const chunks: Buffer[] = [];
    let head = Buffer.alloc(0);
    for await (const chunk of entryData(input, entry)) {
      hash.update(chunk);
      keep ??= fits && (entry.size <= SMALL_ENTRY_LIMIT || looksLikeJson(chunk));
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      if (keep) chunks.push(chunk);
    }
    if (keep) {
      small.set(name, Buffer.concat(chunks));
      kept += entry.size;
    }
    const digest = entry.size === 0 ? EMPTY_DIGEST[algorithm] : `${algorithm}:${hash.digest('hex')}`;
    entries.set(name, { name, type, size: entry.size, offset: -1, ordinal, digest, ...(head.length > 0 ? { head } : {}) });
  });
  return { entries: [...entries.values()], small };
}

/** JSON text starts with an object or a list (after blanks); a layer starts with a tar header or compression magic. */
function looksLikeJson(first: Buffer): boolean {
  const text = first.subarray(0, 64).toString('latin1').trimStart();
  return text.startsWith('{') || text.startsWith('[');
}

function wrapStreamError(error: unknown): Error {
  const message = (error as Error).message ?? String(error);
  if (/unexpected end of file|premature/i.test(message)) return archiveInvalid('', 'truncated archive');
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
      if (entry.type !== 'symlink' && entry.type !== 'hardlink') throw archiveInvalid(name, entry.type === 'other' ? 'is not a regular file (a device, FIFO or sparse entry)' : `is a ${entry.type}, not a file`);
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
    const entry = this.resolve(name);
    return !this.gzipped || entry.size === 0 || this.small.has(entry.name);
  }

  async readSmall(name: string, limit = SMALL_ENTRY_LIMIT): Promise<Buffer> {
    const entry = this.resolve(name);
    if (entry.size > limit) throw archiveInvalid(name, `is ${entry.size} bytes, more than the ${limit} expected for metadata`);
    const kept = this.small.get(entry.name);
    if (kept) return kept;
    if (entry.size === 0) return Buffer.alloc(0);
    if (this.gzipped) throw archiveInvalid(name, `was not kept from the sequential pass over the gzip-wrapped archive (it keeps JSON entries of up to ${METADATA_LIMIT / 1024 / 1024} MB, ${SMALL_TOTAL_LIMIT / 1024 / 1024} MB in all)`);
    const handle = await openRegularFile(this.path, 'archive');
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
    if (entry.size === 0 || this.gzipped) return Buffer.alloc(0);
    const handle = await openRegularFile(this.path, 'archive');
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
    // An empty entry (a zero-byte layer) is an empty stream: there is no byte range to read.
    if (entry.size === 0 || start >= entry.size) return Readable.from([]);
    return createReadStream(this.path, { start: entry.offset + start, end: entry.offset + entry.size - 1, highWaterMark: 1024 * 1024 });
  }

  async *readBlocks(name: string, blockSize: number, allocate = (size: number) => new Uint8Array(size)): AsyncGenerator<Uint8Array> {
    const entry = this.resolve(name);
    if (this.gzipped) throw new StevedoreError('UNSUPPORTED', 'a gzip-wrapped archive can only be read in order');
    const handle = await openRegularFile(this.path, 'archive');
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
    // By the entry that holds the bytes: with a name twice in the archive, the one the index kept (the last).
    const byOrdinal = new Map<number, string>();
    for (const name of wanted) {
      const entry = this.resolve(name);
      if (entry.ordinal === undefined) throw new StevedoreError('INTERNAL', `archive entry "${entry.name}" has no position in the archive`);
      byOrdinal.set(entry.ordinal, entry.name);
    }
    await readInOrder(this.path, this.gzipped, signal, async (entry, input) => {
      const name = byOrdinal.get(entry.ordinal);
      if (name === undefined) return;
      const stream = Readable.from(entryData(input, entry), { objectMode: false });
      try {
        await onEntry(name, stream);
      } finally {
        // The walk goes on only once nothing else reads the input.
        if (!stream.closed) {
          const closed = new Promise((resolve) => stream.once('close', resolve));
          stream.destroy();
          await closed;
        }
      }
    });
  }
}
