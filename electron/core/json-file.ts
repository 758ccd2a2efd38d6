// JSON from a file the app did not just write (a config, the registry list, a credential helper's answer), read with
// its cost bounded before JSON.parse builds anything. A size cap alone does not bound it: 16 MB of `[[],[],…]` makes
// JSON.parse build five million arrays (seconds of CPU, over a gigabyte, a crash in a small heap), where a real file
// holds a few hundred objects. So the structure is counted first, outside strings, by a scan that skips each string
// with one search and stops as soon as a bound is passed; then it is parsed, then its shape checked.
import type { Buffer } from 'node:buffer';
import { StevedoreError } from './errors.js';
import { readRegularBytes, readRegularBytesSync } from './regular-file.js';

export interface JsonBounds {
  /** Larger files are refused (TOO_LARGE) before a byte is read. */
  readonly maxBytes: number;
  /** Objects and arrays, in all. */
  readonly maxContainers: number;
  /** Commas outside strings: one fewer than the members and elements of every object and array, in all. */
  readonly maxCommas: number;
  /** Objects and arrays inside one another. */
  readonly maxDepth: number;
}

export interface JsonFileOptions<T> extends JsonBounds {
  /** Refuse a symlink at the path itself (for files only this program writes). */
  readonly noFollow?: boolean;
  /** The value's shape: returns it typed, or throws an Error whose message says what is wrong (without the path). */
  readonly check: (value: unknown) => T;
  /** Said after what is wrong with the file's contents, for a file the user can mend ("; fix or remove it"). */
  readonly remedy?: string;
  /** What an empty file (or one of whitespace only) holds, for a file its owner reads so (docker's config); else it is not JSON. */
  readonly empty?: T;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/**
 * What in `bytes` passes `bounds`, in words, or undefined when nothing does. Malformed JSON is left to JSON.parse
 * (which fails on it at once): an unterminated string ends the scan.
 */
export function jsonBoundsProblem(bytes: Uint8Array, bounds: Omit<JsonBounds, 'maxBytes'>): string | undefined {
  let containers = 0;
  let commas = 0;
  let depth = 0;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      let end = bytes.indexOf(QUOTE, at + 1);
      // A quote after an odd run of backslashes is inside the string. Each run is counted once, for the quote after it.
      while (end > 0 && oddBackslashesBefore(bytes, end)) end = bytes.indexOf(QUOTE, end + 1);
      if (end < 0) return undefined;
      at = end;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++containers > bounds.maxContainers) return `more than ${bounds.maxContainers} objects and arrays`;
      if (++depth > bounds.maxDepth) return `objects or arrays nested more than ${bounds.maxDepth} deep`;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    } else if (byte === COMMA) {
      if (++commas > bounds.maxCommas) return `more than ${bounds.maxCommas + 1} values in its lists and objects`;
    }
  }
  return undefined;
}

/** JSON's whitespace only (or nothing). */
function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

function oddBackslashesBefore(bytes: Uint8Array, quote: number): boolean {
  let at = quote - 1;
  while (at >= 0 && bytes[at] === BACKSLASH) at--;
  return (quote - 1 - at) % 2 === 1;
}

/**
 * `bytes` as the JSON value `check` accepts: CONFIG naming `source` (what it is and where: "registry list
 * /home/ann/…/registries.json") when it passes a bound, is not JSON or has another shape, followed by the remedy.
 */
export function parseBoundedJson<T>(bytes: Buffer, source: string, options: Omit<JsonFileOptions<T>, 'maxBytes' | 'noFollow'>): T {
  if (options.empty !== undefined && isBlank(bytes)) return options.empty;
  const remedy = options.remedy ?? '';
  const problem = jsonBoundsProblem(bytes, options);
  if (problem !== undefined) throw new StevedoreError('CONFIG', `${source} holds ${problem}, far more than a real one${remedy}`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    // Not V8's message: it quotes the text around the fault, which in a config may be a password.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new StevedoreError('CONFIG', `${source} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}${remedy}`);
  }
  try {
    return options.check(value);
  } catch (error) {
    // A check may say it in its own words (a file of a newer version is no fault to fix).
    if (error instanceof StevedoreError) throw error;
    throw new StevedoreError('CONFIG', `${source} is not valid: ${(error as Error).message}${remedy}`);
  }
}

/** Errors of the open other than a missing file, as CONFIG naming the file; the engine's own (TOO_LARGE, NOT_A_FILE) and ENOENT pass. */
function openError(error: unknown, what: string, path: string): unknown {
  if (error instanceof StevedoreError || (error as NodeJS.ErrnoException).code === 'ENOENT') return error;
  return new StevedoreError('CONFIG', `cannot read ${what} ${path}: ${(error as Error).message}`, {}, { cause: error });
}

/**
 * A JSON file through the safe reader (a regular file of at most `maxBytes`, opened without waiting), bounded and
 * checked. A missing file rejects with its ENOENT (a first start, for most callers); anything else with a
 * StevedoreError naming the file.
 */
export async function readJsonFile<T>(path: string, what: string, options: JsonFileOptions<T>): Promise<T> {
  let bytes: Buffer;
  try {
    bytes = await readRegularBytes(path, what, options);
  } catch (error) {
    throw openError(error, what, path);
  }
  return parseBoundedJson(bytes, `${what} ${path}`, options);
}

/** readJsonFile, synchronously. */
export function readJsonFileSync<T>(path: string, what: string, options: JsonFileOptions<T>): T {
  let bytes: Buffer;
  try {
    bytes = readRegularBytesSync(path, what, options);
  } catch (error) {
    throw openError(error, what, path);
  }
  return parseBoundedJson(bytes, `${what} ${path}`, options);
}
