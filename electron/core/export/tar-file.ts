// A tarball written to a temp file beside its destination and renamed into place only when complete, so an
// interrupted export never leaves a file that looks whole. An entry's header is written after its data, in the
// block kept for it: a layer decompressed on the way has no size until its last byte, and this way it streams in one
// pass (tar-stream needs the size first; skopeo spools such layers to a temp file to learn it).
import { randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StevedoreError } from '../errors.js';
import type { TarSink } from './tar-sink.js';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);
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

export class TarFile implements TarSink {
  readonly seekable = true;
  readonly path: string;
  readonly temp: string;
  readonly #file: FileHandle;
  #position = 0;

  private constructor(path: string, temp: string, file: FileHandle) {
    this.path = path;
    this.temp = temp;
    this.#file = file;
  }

  static async create(path: string): Promise<TarFile> {
    const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.partial`);
    // `wx`: never write through a file (or symlink) that appeared at the temp name.
    return new TarFile(path, temp, await open(temp, 'wx', 0o644));
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#file.write(bytes, done, bytes.length - done, this.#position);
      done += bytesWritten;
      this.#position += bytesWritten;
    }
  }

  async addBytes(name: string, bytes: Uint8Array): Promise<void> {
    await this.addStream(name, [bytes]);
  }

  /** Writes the entry as the chunks come; returns its size. `expectedSize`, when given, must match. */
  async addStream(name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expectedSize?: number): Promise<number> {
    const headerAt = this.#position;
    await this.#write(ZEROS.subarray(0, BLOCK));
    let size = 0;
    for await (const chunk of chunks) {
      await this.#write(chunk);
      size += chunk.length;
    }
    if (expectedSize !== undefined && size !== expectedSize) throw new StevedoreError('DIGEST_MISMATCH', `${name}: ${size} bytes, expected ${expectedSize}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) await this.#write(ZEROS.subarray(0, padding));
    await this.#file.write(fileHeader(name, size), 0, BLOCK, headerAt);
    return size;
  }

  /** Ends the tar (two zero blocks), flushes it to disk, and moves it to its name. */
  async commit(): Promise<void> {
    await this.#write(ZEROS);
    await this.#file.sync();
    await this.#file.close();
    await rename(this.temp, this.path);
  }

  /** Drops everything written: no file at `path`, no temp file left. */
  async discard(): Promise<void> {
    await this.#file.close().catch(() => undefined);
    await rm(this.temp, { force: true });
  }
}
