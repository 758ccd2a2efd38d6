// A tarball written entry by entry (tar-stream) to a temp file beside its destination and renamed into place only
// when complete, so an interrupted export never leaves a file that looks whole. Entries stream with backpressure.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack, type Pack } from 'tar-stream';

/** Every entry gets the same time: two exports of one image are the same bytes. */
const EPOCH = new Date(0);

export class ArchiveFile {
  readonly path: string;
  readonly temp: string;
  readonly #pack: Pack;
  readonly #written: Promise<void>;

  constructor(path: string) {
    this.path = path;
    this.temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.partial`);
    this.#pack = pack();
    // `wx`: never write through a file (or symlink) that appeared at the temp name.
    this.#written = pipeline(this.#pack as unknown as Readable, createWriteStream(this.temp, { flags: 'wx', mode: 0o644 }));
    this.#written.catch(() => undefined);
  }

  addBytes(name: string, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pack.entry({ name, size: bytes.length, mode: 0o644, mtime: EPOCH }, bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** `chunks` must hold exactly `size` bytes; the header goes first, so the size is part of the contract. */
  async addStream(name: string, size: number, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    let entryDone!: Promise<void>;
    const sink = await new Promise<ReturnType<Pack['entry']>>((ready) => {
      entryDone = new Promise<void>((resolve, reject) => {
        ready(this.#pack.entry({ name, size, mode: 0o644, mtime: EPOCH }, (error) => (error ? reject(error) : resolve())));
      });
    });
    entryDone.catch(() => undefined);
    // Failures surface through entryDone and the pack; an unheard 'error' event would crash the process.
    sink.on('error', () => undefined);
    try {
      for await (const chunk of chunks) {
        if (!sink.write(chunk)) await once(sink as unknown as NodeJS.EventEmitter, 'drain');
      }
      sink.end(null);
    } catch (error) {
      sink.destroy(error as Error);
      this.#pack.destroy(error as Error);
      throw error;
    }
    await entryDone;
  }

  /** Ends the tar, waits for the disk, and moves it to its name. */
  async commit(): Promise<void> {
    this.#pack.finalize();
    await this.#written;
    await rename(this.temp, this.path);
  }

  /** Drops everything written: no file at `path`, no temp file left. */
  async discard(): Promise<void> {
    this.#pack.destroy();
    await this.#written.catch(() => undefined);
    await rm(this.temp, { force: true });
  }
}
