// Opens a file only if it is a regular file. A FIFO opened for reading blocks until a writer appears (and holds a
// libuv thread while it waits); a device never ends. So the open does not wait (O_NONBLOCK), and the type is checked
// on the opened descriptor (fstat), not on the path, so nothing can be swapped in between.
import { Buffer } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { StevedoreError } from './errors.js';

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

/** Opens `path` for reading if it is a regular file; otherwise NOT_A_FILE. Errors of the open itself pass through. */
export async function openRegularFile(path: string, what: string): Promise<FileHandle> {
  // O_NONBLOCK does not exist on Windows, where opening a named pipe this way does not block either.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(what, path, stats);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads a whole regular file as text (for small files: PEM, JSON). */
export async function readRegularFile(path: string, what: string): Promise<string> {
  const handle = await openRegularFile(path, what);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` as latin1 text, synchronously (for a file read where no await is
 * possible, e.g. inside a TLS connector). NOT_A_FILE for anything else, TOO_LARGE past the bound; open errors pass.
 */
export function readRegularFileSync(path: string, what: string, maxBytes: number): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notAFile(what, path, stats);
    if (stats.size > maxBytes) throw new StevedoreError('TOO_LARGE', `${what} ${path} is larger than ${maxBytes} bytes`);
    // At most the size seen: a file growing meanwhile is not followed.
    const buffer = Buffer.allocUnsafe(stats.size);
    let at = 0;
    for (let n = 1; n > 0 && at < buffer.length; at += n) n = readSync(fd, buffer, at, buffer.length - at, at);
    return buffer.toString('latin1', 0, at);
  } finally {
    closeSync(fd);
  }
}
