// A tarball written to a temp file beside its destination and renamed into place only when complete, so an
// interrupted export never leaves a file that looks whole. An entry's header is written after its data, in the
// block kept for it: a layer decompressed on the way has no size until its last byte, and this way it streams in one
// pass (tar-stream needs the size first; skopeo spools every such layer to a temp file to learn it). Entries produced
// while another is being written go to spool files beside the temp file (openSpool), copied in at their turn.
import { randomUUID } from 'node:crypto';
import { link, lstat, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StevedoreError } from '../errors.js';
import { notAFile } from '../regular-file.js';
import { BLOCK, ZEROS, fileHeader } from './tar-header.js';
import { destinationError } from './destination-error.js';
import { SpoolFile } from './spool-file.js';
import type { TarSink } from './tar-sink.js';

/** What of the destination's name its temp file's name repeats (the rest, with spool numbers, takes under 40 bytes). */
const TEMP_NAME_BYTES = 128;

export class TarFile implements TarSink {
  readonly seekable = true;
  readonly path: string;
  readonly temp: string;
  readonly #file: FileHandle;
  #position = 0;
  /** Every spool file opened: none is left once the tar is committed or discarded. */
  readonly #spools = new Set<SpoolFile>();
  #spoolCount = 0;

  readonly #replace: boolean;

  private constructor(path: string, temp: string, file: FileHandle, replace: boolean) {
    this.path = path;
    this.temp = temp;
    this.#file = file;
    this.#replace = replace;
  }

  /** `replace` false: a file at `path`, now or when the tar is complete, is never replaced (ALREADY_EXISTS). */
  static async create(path: string, replace = true): Promise<TarFile> {
    // Checked before any byte is downloaded: a directory at the name would only fail the rename at the very end.
    const existing = await stat(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw destinationError(error, path);
    });
    if (existing && !existing.isFile()) throw notAFile('destination', path, existing);
    if (existing && !replace) throw alreadyExists(path);
    // Named after the file, by at most TEMP_NAME_BYTES of its name: a name near the file system's limit (255 bytes)
    // is writable, and its temp name must be too.
    const temp = join(dirname(path), `.${Buffer.from(basename(path)).subarray(0, TEMP_NAME_BYTES).toString('utf8')}.${randomUUID().slice(0, 8)}.partial`);
    // `wx`: never write through a file (or symlink) that appeared at the temp name.
    return new TarFile(path, temp, await open(temp, 'wx', 0o644).catch((error: unknown) => Promise.reject(destinationError(error, path))), replace);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    await writeAt(this.#file, bytes, this.#position, this.path);
    this.#position += bytes.length;
  }

  async addBytes(name: string, bytes: Uint8Array): Promise<void> {
    await this.addStream(name, [bytes]);
  }

  /** Writes the entry as the chunks come; returns its size. `expectedSize`, when given, must match. */
  async addStream(name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expectedSize?: number): Promise<number> {
    const headerAt = this.#position;
    // Its length depends on the name only (a long name adds a pax block), so the room is known before the size.
    const headerLength = fileHeader(name, 0).length;
    await this.#write(Buffer.alloc(headerLength));
    let size = 0;
    for await (const chunk of chunks) {
      await this.#write(chunk);
      size += chunk.length;
    }
    if (expectedSize !== undefined && size !== expectedSize) throw new StevedoreError('DIGEST_MISMATCH', `${name}: ${size} bytes, expected ${expectedSize}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) await this.#write(ZEROS.subarray(0, padding));
    await writeAt(this.#file, fileHeader(name, size), headerAt, this.path);
    return size;
  }

  /**
   * Keeps the place of an entry whose size is known at the tar's end, and returns what writes its bytes there: later
   * entries go after it and may be written meanwhile. More or fewer bytes than `size` fail the write.
   */
  reserve(name: string, size: number): (chunks: AsyncIterable<Uint8Array>) => Promise<void> {
    const header = fileHeader(name, size);
    const headerAt = this.#position;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    // A long name's pax header takes more than one block.
    this.#position += header.length + size + padding;
    const file = this.#file;
    const path = this.path;
    return async (chunks) => {
      const start = headerAt + header.length;
      let at = start;
      for await (const chunk of chunks) {
        if (at + chunk.length > start + size) throw new StevedoreError('DIGEST_MISMATCH', `${name}: more than the ${size} bytes expected`);
        await writeAt(file, chunk, at, path);
        at += chunk.length;
      }
      if (at !== start + size) throw new StevedoreError('DIGEST_MISMATCH', `${name}: ${at - start} bytes, expected ${size}`);
      if (padding > 0) await writeAt(file, ZEROS.subarray(0, padding), at, path);
      await writeAt(file, header, headerAt, path);
    };
  }

  /** A spool file beside the tar, for an entry produced ahead of its turn; removed by discard if still there. */
  async openSpool(): Promise<SpoolFile> {
    // Numbered before the await: spools opened at once get different names.
    const spool = await SpoolFile.create(`${this.temp}.${++this.#spoolCount}`, this.path);
    this.#spools.add(spool);
    return spool;
  }

  /** Ends the tar (two zero blocks), flushes it to disk, and moves it to its name. */
  async commit(): Promise<void> {
    await this.#write(ZEROS);
    try {
      await this.#file.sync();
      await this.#file.close();
      for (const spool of this.#spools) await spool.remove();
      if (this.#replace) await rename(this.temp, this.path);
      else await placeNew(this.temp, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(this.path);
      throw destinationError(error, this.path);
    }
  }

  /** Drops everything written: no file at `path`, no temp file left. */
  async discard(): Promise<void> {
    await this.#file.close().catch(() => undefined);
    await rm(this.temp, { force: true });
    for (const spool of this.#spools) await spool.remove();
  }
}

/** Writes all of `bytes` at `position`; a failure is named by the destination the user gave. */
async function writeAt(file: FileHandle, bytes: Uint8Array, position: number, path: string): Promise<void> {
  try {
    for (let done = 0; done < bytes.length; ) done += (await file.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
  } catch (error) {
    throw destinationError(error, path);
  }
}

export const alreadyExists = (path: string): StevedoreError => new StevedoreError('ALREADY_EXISTS', `${path} already exists; an export never replaces a file: choose another name`);

/**
 * Moves `temp` to `path` only if nothing is there: a hard link fails with EEXIST when a file (or a symlink) appeared
 * since the check, where a rename would replace it. A file system without hard links gets the check, then the rename.
 */
async function placeNew(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    if (await lstat(path).then(() => true, () => false)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
    await rename(temp, path);
    return;
  }
  await rm(temp, { force: true });
}
