// A tar entry's bytes waiting in a file beside the tar for their turn: written as they come, read back once. The owner
// (TarFile) removes it on discard, so an export that fails or is cancelled leaves no spool file behind.
import { open, rm, type FileHandle } from 'node:fs/promises';
import { StevedoreError } from '../errors.js';
import { destinationError } from './destination-error.js';

/** Spooled bytes are read back in reads this big, into one buffer. */
const READ_CHUNK = 1024 * 1024;

export class SpoolFile {
  readonly path: string;
  /** The path its write errors are named by: the export's destination when the spool sits beside it. */
  readonly #shownAs: string;
  #file: FileHandle | undefined;
  #size = 0;

  private constructor(path: string, file: FileHandle, shownAs: string) {
    this.path = path;
    this.#file = file;
    this.#shownAs = shownAs;
  }

  /** `wx`: never writes through a file (or symlink) that appeared at the name. */
  static async create(path: string, shownAs: string = path): Promise<SpoolFile> {
    try {
      return new SpoolFile(path, await open(path, 'wx', 0o600), shownAs);
    } catch (error) {
      throw destinationError(error, shownAs);
    }
  }

  get size(): number {
    return this.#size;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const file = this.#file;
    if (!file) throw new StevedoreError('INTERNAL', `${this.path} is closed for writing`);
    try {
      for (let done = 0; done < bytes.length; ) done += (await file.write(bytes, done, bytes.length - done, this.#size + done)).bytesWritten;
    } catch (error) {
      throw destinationError(error, this.#shownAs);
    }
    this.#size += bytes.length;
  }

  async close(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }

  /**
   * The bytes written, in order. Each chunk is overwritten by the next, so it must be used before asking for it;
   * `fresh`: a new buffer each time, for a consumer that may keep a chunk after taking the next (a socket's queue).
   */
  async *chunks(fresh = false): AsyncGenerator<Uint8Array> {
    if (this.#size === 0) return;
    const file = await open(this.path, 'r');
    try {
      const size = Math.min(READ_CHUNK, this.#size);
      let buffer = Buffer.allocUnsafe(size);
      for (let at = 0; at < this.#size; ) {
        if (fresh && at > 0) buffer = Buffer.allocUnsafe(size);
        const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, this.#size - at), at);
        if (bytesRead === 0) throw new StevedoreError('INTERNAL', `${this.path} ended at ${at} of ${this.#size} bytes`);
        at += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await file.close();
    }
  }

  async remove(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
