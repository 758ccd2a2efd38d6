// The two ways bytes reach the tar walker: at offsets of a plain file (data is seeked over, never read), and in order
// from a stream (a gunzip), where data not consumed is read and dropped.
import type { FileHandle } from 'node:fs/promises';
import type { TarInput } from './tar-walk.js';

export class FileInput implements TarInput {
  position = 0;
  constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
  ) {}

  async read(length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.fileSize - this.position));
    const buffer = Buffer.alloc(wanted);
    const { bytesRead } = wanted > 0 ? await this.handle.read(buffer, 0, wanted, this.position) : { bytesRead: 0 };
    this.position += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  async skip(length: number): Promise<number> {
    const passed = Math.max(0, Math.min(length, this.fileSize - this.position));
    this.position += passed;
    return passed;
  }
}

export class StreamInput implements TarInput {
  position = 0;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;
  readonly #source: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const next = await this.#source.next();
    if (next.done) {
      this.#ended = true;
      return false;
    }
    this.#pending = this.#pending.length === 0 ? next.value : Buffer.concat([this.#pending, next.value]);
    return true;
  }

  /** Whatever is at hand, up to `max` bytes (empty only at the end). */
  async readSome(max: number): Promise<Buffer> {
    if (this.#pending.length === 0 && !(await this.#fill())) return Buffer.alloc(0);
    const out = this.#pending.subarray(0, max);
    this.#pending = this.#pending.subarray(out.length);
    this.position += out.length;
    return out;
  }

  async read(length: number): Promise<Buffer> {
    while (this.#pending.length < length && (await this.#fill()));
    // A view, not a copy: headers are decoded at once and not kept.
    const out = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(out.length);
    this.position += out.length;
    return out;
  }

  async skip(length: number): Promise<number> {
    let passed = 0;
    while (passed < length) {
      const chunk = await this.readSome(length - passed);
      if (chunk.length === 0) break;
      passed += chunk.length;
    }
    return passed;
  }

  /** Reads to the end (a gzip stream is checked to its last byte and CRC). */
  async drain(): Promise<void> {
    while ((await this.skip(Number.MAX_SAFE_INTEGER)) > 0);
  }
}
