// Follows a layer tar's framing in front of tar-stream, so a layer is read the way Go's archive/tar (docker,
// containerd, skopeo) reads it: end of data at an entry boundary or inside the last entry's padding is the end of the
// layer (umoci 0.4 writes such layers), end of data inside a header or a file's data is a truncated layer, and nothing
// after the end-of-archive blocks is part of it. Numbers are parsed strictly, and limits hold whatever the input.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StevedoreError } from '../errors.js';

const BLOCK = 512;
const MAX_META_BYTES = 1024 * 1024;
/** Types whose data Go's reader skips whatever their size field says (it treats their data size as 0). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6'].map((c) => c.charCodeAt(0)));
const PAX = 'x'.charCodeAt(0);
const META = new Set(['x', 'g', 'L', 'K'].map((c) => c.charCodeAt(0)));

export interface FramerLimits {
  /** Entries (meta headers not counted) before the layer is refused. */
  readonly maxEntries: number;
  /** The largest size an entry may declare. */
  readonly maxEntryBytes: number;
}

export const DEFAULT_FRAMER_LIMITS: FramerLimits = { maxEntries: 1_000_000, maxEntryBytes: 64 * 1024 ** 3 };

type State = 'header' | 'data' | 'pad' | 'zero' | 'end';

export function layerInvalid(problem: string): StevedoreError {
  return new StevedoreError('ARCHIVE_INVALID', `layer: ${problem}`);
}

export class TarFramer extends Transform {
  readonly #limits: FramerLimits;
  readonly #hash = createHash('sha256');
  readonly #header: Buffer = Buffer.alloc(BLOCK);
  #have = 0;
  #state: State = 'header';
  #remaining = 0;
  #padding = 0;
  /** Data of the extended header being read (pax, GNU long names), kept to find a pax size. */
  #meta: Buffer[] | undefined;
  #metaType = 0;
  #paxSize: number | undefined;
  #entries = 0;
  #total = 0;
  #name = '';

  constructor(limits: FramerLimits = DEFAULT_FRAMER_LIMITS) {
    super();
    this.#limits = limits;
  }

  /** sha256 of every uncompressed byte (the layer's DiffID), once the stream has ended. */
  get diffId(): string {
    return `sha256:${this.#hash.copy().digest('hex')}`;
  }

  get tarSize(): number {
    return this.#total;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#total += chunk.length;
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state === 'header' && this.#have > 0) return callback(layerInvalid(`truncated inside the header after "${this.#name}"`));
    if (this.#state === 'zero' && this.#have > 0) return callback(layerInvalid('truncated inside the end-of-archive blocks'));
    if (this.#state === 'data') return callback(layerInvalid(`truncated inside the data of "${this.#name}" (${this.#remaining} bytes missing)`));
    if (this.#meta) return callback(layerInvalid('truncated inside an extended header'));
    // The last entry's padding is all that is missing: supply it, so tar-stream sees a whole entry.
    if (this.#state === 'pad') this.push(Buffer.alloc(this.#padding));
    callback();
  }

  /**
   * Follows the framing through one chunk. What tar-stream gets is the chunk itself, in as few pieces as possible
   * (pushing every header and data run apart cost more than the parsing): a run of bytes passes as a view of the
   * chunk, and the run breaks only where a header is held back (it straddles two chunks, or is rewritten), at the
   * end-of-archive blocks (never passed on), and at the end of the archive.
   */
  #consume(chunk: Buffer): void {
    let at = 0;
    /** Start of the bytes of this chunk not yet pushed. */
    let from = 0;
    /** Where the block being read started in this chunk, or -1 when it started in an earlier one. */
    let blockStart = -1;
    while (at < chunk.length) {
      if (this.#state === 'end') break;
      if (this.#state === 'header' || this.#state === 'zero') {
        if (this.#have === 0) blockStart = at;
        const take = Math.min(BLOCK - this.#have, chunk.length - at);
        chunk.copy(this.#header, this.#have, at, at + take);
        this.#have += take;
        at += take;
        if (this.#have < BLOCK) continue;
        this.#have = 0;
        // The block as tar-stream should see it: the same bytes (undefined), others, or none (null).
        const out = this.#state === 'zero' ? this.#secondZeroBlock() : this.#onHeader();
        if (out !== undefined || blockStart < 0) {
          const start = Math.max(blockStart, 0);
          if (start > from) this.push(chunk.subarray(from, start));
          if (out !== null) this.push(out ?? Buffer.from(this.#header));
          from = at;
        }
        blockStart = -1;
        continue;
      }
      const want = this.#state === 'data' ? this.#remaining : this.#padding;
      const take = Math.min(want, chunk.length - at);
      if (this.#state === 'data') {
        this.#meta?.push(chunk.subarray(at, at + take));
        this.#remaining -= take;
        at += take;
        if (this.#remaining === 0) this.#endOfData();
      } else {
        at += take;
        this.#padding -= take;
        if (this.#padding === 0) this.#state = 'header';
      }
    }
    // A header still being read is held back until it is whole; after the end of the archive nothing is passed on.
    const end = this.#state === 'end' ? from : (this.#state === 'header' || this.#state === 'zero') && this.#have > 0 ? Math.max(blockStart, from) : chunk.length;
    if (end > from) this.push(chunk.subarray(from, end));
  }

  #secondZeroBlock(): null {
    if (!isZero(this.#header)) throw layerInvalid('a header follows a single zero block');
    this.#state = 'end';
    return null;
  }

  /** Reads the header in #header; returns what tar-stream should see instead of it, if anything. */
  #onHeader(): Buffer | null | undefined {
    const block = this.#header;
    if (isZero(block)) {
      this.#state = 'zero';
      return null;
    }
    // Checked before the name is taken from it: a block that is no header has no name (its bytes read as garbage), so
    // the message names the entry before it, or says that the layer does not start as a tar does.
    if (!checksumMatches(block)) throw layerInvalid(this.#name === '' ? 'not a tar archive (its first header\'s checksum does not match)' : `invalid tar header checksum after "${this.#name}"`);
    this.#name = cString(block, 0, 100);
    const type = block[156] as number;
    let size = parseNumeric(block, 124, 12, 'size', this.#name);
    let out: Buffer | undefined;
    if (META.has(type)) {
      if (size > MAX_META_BYTES) throw layerInvalid(`an extended header of ${size} bytes (at most ${MAX_META_BYTES})`);
      this.#meta = [];
      this.#metaType = type;
    } else {
      if (++this.#entries > this.#limits.maxEntries) throw layerInvalid(`more than ${this.#limits.maxEntries} entries`);
      if (this.#paxSize !== undefined) {
        if (HEADER_ONLY.has(type)) throw layerInvalid(`"${this.#name}" has no data, yet its pax header gives it a size`);
        size = this.#paxSize;
        this.#paxSize = undefined;
      }
      if (HEADER_ONLY.has(type) && size !== 0) {
        // Go's reader ignores the size of a link or directory; tar-stream would read data: make them agree.
        out = withZeroSize(block);
        size = 0;
      }
      if (size > this.#limits.maxEntryBytes) throw layerInvalid(`"${this.#name}" declares ${size} bytes, more than the ${this.#limits.maxEntryBytes} allowed`);
    }
    this.#remaining = size;
    this.#padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.#endOfData();
    else this.#state = 'data';
    return out;
  }

  #endOfData(): void {
    const meta = this.#meta;
    this.#meta = undefined;
    if (meta && this.#metaType === PAX) {
      const size = paxRecord(Buffer.concat(meta), 'size');
      if (size !== undefined) {
        if (!/^[0-9]{1,20}$/.test(size) || !Number.isSafeInteger(Number(size))) throw layerInvalid(`pax size "${size.slice(0, 40)}" is not a number`);
        this.#paxSize = Number(size);
      }
    }
    this.#state = this.#padding === 0 ? 'header' : 'pad';
  }
}

function isZero(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

function cString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end < 0 || end > start + length ? start + length : end);
}

/** Octal (NULs and spaces around it allowed, as Go reads it) or GNU base-256; anything else is a corrupt header. */
export function parseNumeric(block: Buffer, start: number, length: number, field: string, name: string): number {
  const first = block[start] as number;
  if (first & 0x80) {
    if (first === 0xff) throw layerInvalid(`"${name}": negative ${field}`);
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) {
      value = value * 256 + (block[i] as number);
      if (value > Number.MAX_SAFE_INTEGER) throw layerInvalid(`"${name}": ${field} is absurdly large`);
    }
    return value;
  }
  const text = block.toString('latin1', start, start + length).replace(/^[ \0]+|[ \0]+$/g, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw layerInvalid(`"${name}": ${field} field "${text.replace(/[^\x20-\x7e]/g, '?')}" is not octal`);
  const value = parseInt(text, 8);
  if (!Number.isSafeInteger(value)) throw layerInvalid(`"${name}": ${field} is absurdly large`);
  return value;
}

function checksumMatches(block: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  let stored: number;
  try {
    stored = parseNumeric(block, 148, 8, 'checksum', '');
  } catch {
    return false;
  }
  return stored === unsigned || stored === signed;
}

function withZeroSize(block: Buffer): Buffer {
  const out = Buffer.from(block);
  out.write('00000000000\0', 124, 'latin1');
  out.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += out[i] as number;
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return out;
}

/** One record of a pax extended header ("<length> <key>=<value>\n" records). */
function paxRecord(data: Buffer, key: string): string | undefined {
  let found: string | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length) throw layerInvalid('malformed pax header record');
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === key) found = record.slice(eq + 1);
    at += length;
  }
  return found;
}
