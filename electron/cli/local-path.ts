// Telling a file from a reference: a path that exists is an archive; an argument that looks like a path (a slash
// or dot in front, an archive's extension) but names no file is said to be missing, never looked up on Docker Hub.
import { stat } from 'node:fs/promises';
import { StevedoreError } from '../core/errors.js';

const ARCHIVE_EXTENSION = /\.(tar|tar\.gz|tgz|tar\.zst|oci|docker)$/i;

export function looksLikePath(arg: string): boolean {
  return /^(\/|\.{1,2}\/|~|[A-Za-z]:\\)/.test(arg) || arg.includes('\\') || ARCHIVE_EXTENSION.test(arg);
}

/**
 * Whether `arg` is meant as an archive: any existing path but a directory that does not look like one (a FIFO, or a
 * directory given as a path, is then refused as NOT_A_FILE when opened). Throws a clear error for a path-like
 * argument that names nothing.
 */
export async function isArchiveFile(arg: string): Promise<boolean> {
  const info = await stat(arg).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? undefined : Promise.reject(error)));
  if (info !== undefined && (!info.isDirectory() || looksLikePath(arg))) return true;
  if (!looksLikePath(arg)) return false;
  throw new StevedoreError('NOT_FOUND', `archive ${arg} does not exist`);
}
