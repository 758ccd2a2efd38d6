// Where an export's tar goes: a file (TarFile, headers written after the data, so sizes may be unknown until the end)
// or a stream such as an HTTP download (TarStream, headers first, so every size must be known up front: an entry
// whose size is only known at its end, a docker-archive layer decompressed on the way, waits whole in a spool file in
// a private temp folder, and is sent once its size is known and its content verified).
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { StevedoreError } from '../errors.js';
import { SpoolFile } from './spool-file.js';
import { BLOCK, ZEROS, fileHeader } from './tar-header.js';

export interface TarSink {
  /** False: every entry's size must be given before its data. */
  readonly seekable: boolean;
  addBytes(name: string, bytes: Uint8Array): Promise<void>;
  addStream(name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expectedSize?: number): Promise<number>;
  /** Ends the tar; it is complete only now. */
  commit(): Promise<void>;
  /** Drops it: no file, or a broken connection, never something that looks whole. */
  discard(): Promise<void>;
  /** A spool file for an entry produced ahead of its turn (or, unseekable, before its size is known); removed by commit or discard. */
  openSpool(): Promise<SpoolFile>;
}


/** A tar written in order to a stream, with backpressure; aborting `signal` stops a write waiting on it. */
export class TarStream implements TarSink {
  readonly seekable = false;

  #spoolDir: Promise<string> | undefined;
  #spoolCount = 0;
  readonly #spools = new Set<SpoolFile>();

  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {}

  async openSpool(): Promise<SpoolFile> {
    this.#spoolDir ??= mkdtemp(join(tmpdir(), 'stevedore-export-'));
    const number = ++this.#spoolCount;
    const spool = await SpoolFile.create(join(await this.#spoolDir, `entry-${number}`));
    this.#spools.add(spool);
    return spool;
  }

  async #removeSpools(): Promise<void> {
    for (const spool of this.#spools) await spool.remove();
    this.#spools.clear();
    if (this.#spoolDir) await rm(await this.#spoolDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (this.out.destroyed) throw new StevedoreError('NETWORK', 'the download was closed');
    if (!this.out.write(bytes)) await once(this.out, 'drain', this.signal ? { signal: this.signal } : {});
  }

  async addBytes(name: string, bytes: Uint8Array): Promise<void> {
    await this.addStream(name, [bytes], bytes.length);
  }

  async addStream(name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expectedSize?: number): Promise<number> {
    if (expectedSize === undefined) throw new StevedoreError('INTERNAL', `${name}: a streamed tar needs each size before the data`);
    await this.#write(fileHeader(name, expectedSize));
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > expectedSize) throw new StevedoreError('DIGEST_MISMATCH', `${name}: more than the ${expectedSize} bytes expected`);
      await this.#write(chunk);
    }
    if (size !== expectedSize) throw new StevedoreError('DIGEST_MISMATCH', `${name}: ${size} bytes, expected ${expectedSize}`);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (padding > 0) await this.#write(ZEROS.subarray(0, padding));
    return size;
  }

  async commit(): Promise<void> {
    await this.#removeSpools();
    await this.#write(ZEROS);
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  async discard(): Promise<void> {
    this.out.destroy();
    await this.#removeSpools();
  }
}
