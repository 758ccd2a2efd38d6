// The one way the engine reads a file it did not just write (a cache entry, a config, a certificate): opened first,
// then checked on the opened descriptor, then read from it. A check by path (stat, then readFile) leaves a moment in
// which the file can be swapped for a FIFO (a read that waits forever for a writer, holding a libuv thread), a device
// (a read without end) or a symlink (a read of another file). So the open does not wait (O_NONBLOCK), does not follow
// a symlink where none belongs (O_NOFOLLOW, for the caches: they only hold files they renamed into place), the type
// and the size are checked with fstat, and the read stops at the size seen there, however the file grows meanwhile.
import { Buffer } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { StevedoreError } from './errors.js';

export interface RegularFileOptions {
  /** Larger files are refused (TOO_LARGE) before a byte is read. */
  readonly maxBytes: number;
  /** Refuse a symlink at the path itself (ELOOP): for files only this program writes, such as cache entries. */
  readonly noFollow?: boolean;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export function notAFile(what: string, path: string, stats: Stats): StevedoreError {
  const kind = kindOf(stats);
  return new StevedoreError('NOT_A_FILE', `${what} ${path} is ${kind === 'not a regular file' ? kind : `${kind}, not a regular file`}`);
}

// Why an open, read or write of a named file failed, in words: Node's own message ("ENOENT: no such file or directory,
// open '/x/ca.pem'") leads with a system code, names the system call and repeats a path the caller has already given.
const FILE_ERROR_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/** The reason alone: "permission denied", not "EACCES: permission denied, open '/x'". */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const known = typeof code === 'string' && Object.hasOwn(FILE_ERROR_REASONS, code) ? FILE_ERROR_REASONS[code] : undefined;
  if (known !== undefined) return known;
  const message = error instanceof Error ? error.message : String(error);
  // A system error ("EIO: i/o error, read") without its code and system call: "i/o error". Any other message stays.
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code) || !message.startsWith(`${code}: `)) return message;
  return message.slice(code.length + 2).replace(/, \w+(?: '.*')?$/s, '');
}

/** A failed open or read of a file, as a phrase to follow its name: `${what} ${path} ${fileProblem(error)}`. */
export function fileProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' ? 'does not exist' : `cannot be read (${fileErrorReason(error)})`;
}

function tooLarge(what: string, path: string, maxBytes: number): StevedoreError {
  return new StevedoreError('TOO_LARGE', `${what} ${path} is larger than ${maxBytes} bytes`);
}

// O_NONBLOCK and O_NOFOLLOW do not exist on Windows, where opening a named pipe this way does not block either.
const flagsFor = (noFollow = false): number => constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);

/** Opens `path` for reading if it is a regular file; otherwise NOT_A_FILE. Errors of the open itself pass through. */
export async function openRegularFile(path: string, what: string, noFollow = false): Promise<FileHandle> {
  const handle = await open(path, flagsFor(noFollow));
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(what, path, stats);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`: NOT_A_FILE for anything else at the path, TOO_LARGE past the
 * bound (checked before anything is allocated); errors of the open (ENOENT, ELOOP for a refused symlink) pass through.
 */
export async function readRegularBytes(path: string, what: string, options: RegularFileOptions): Promise<Buffer> {
  const handle = await openRegularFile(path, what, options.noFollow);
  try {
    const { size } = await handle.stat();
    if (size > options.maxBytes) throw tooLarge(what, path, options.maxBytes);
    // At most the size seen: a file growing meanwhile is not followed (handle.readFile would read to its end).
    const buffer = Buffer.allocUnsafe(size);
    let at = 0;
    for (let n = 1; n > 0 && at < size; at += n) n = (await handle.read(buffer, at, size - at, at)).bytesRead;
    return at === size ? buffer : buffer.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** Reads a whole regular file of at most `maxBytes` as UTF-8 text (PEM, JSON). */
export async function readRegularFile(path: string, what: string, maxBytes: number): Promise<string> {
  return (await readRegularBytes(path, what, { maxBytes })).toString('utf8');
}

/**
 * readRegularBytes, synchronously (for a read where no await is possible: a TLS connector, the CLI's start-up).
 * `check`, given the opened file's stats, may refuse it (by throwing) before anything is read.
 */
export function readRegularBytesSync(path: string, what: string, options: RegularFileOptions, check?: (stats: Stats) => void): Buffer {
  const fd = openSync(path, flagsFor(options.noFollow));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notAFile(what, path, stats);
    if (stats.size > options.maxBytes) throw tooLarge(what, path, options.maxBytes);
    check?.(stats);
    const buffer = Buffer.allocUnsafe(stats.size);
    let at = 0;
    for (let n = 1; n > 0 && at < buffer.length; at += n) n = readSync(fd, buffer, at, buffer.length - at, at);
    return at === buffer.length ? buffer : buffer.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** A regular file of at most `maxBytes` as latin1 text, synchronously. */
export function readRegularFileSync(path: string, what: string, maxBytes: number): string {
  return readRegularBytesSync(path, what, { maxBytes }).toString('latin1');
}

/**
 * A cache entry's bytes, or undefined for anything but a regular file of at most `maxBytes` at the path itself (no
 * symlink followed): a cache is a hint, whatever is found there is at worst a miss.
 */
export async function readCacheEntry(path: string, maxBytes: number): Promise<Buffer | undefined> {
  return readRegularBytes(path, 'cache entry', { maxBytes, noFollow: true }).catch(() => undefined);
}

/** readCacheEntry, synchronously. */
export function readCacheEntrySync(path: string, maxBytes: number, check?: (stats: Stats) => void): Buffer | undefined {
  try {
    return readRegularBytesSync(path, 'cache entry', { maxBytes, noFollow: true }, check);
  } catch {
    return undefined;
  }
}
