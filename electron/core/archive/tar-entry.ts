// What an archive index knows about one entry, and the name checks every entry must pass (archives are untrusted).
import { StevedoreError } from '../errors.js';

export type EntryType = 'file' | 'symlink' | 'hardlink' | 'directory' | 'other';

export interface TarEntry {
  /** Normalised: no leading ./ or /, no trailing slash. */
  readonly name: string;
  readonly type: EntryType;
  readonly size: number;
  /** Offset of the entry's data in the (uncompressed) tar; -1 when the tar can only be read in order. */
  readonly offset: number;
  readonly linkname?: string;
}

export function archiveInvalid(entry: string, problem: string): StevedoreError {
  return new StevedoreError('ARCHIVE_INVALID', entry ? `archive entry "${entry}": ${problem}` : `archive: ${problem}`);
}

/** How the engine's messages about an archive begin (archiveInvalid's, and the push's checks of its entries). */
const ABOUT_ARCHIVE = /^archive(?:: | (?=entry "))/;

/**
 * An archive error named after the file: the engine says "archive: ..." or "archive entry "x": ..." wherever it finds
 * the problem (often far from where the file was opened); a caller that knows the path the user gave calls it by that
 * name instead (`image.tar: not an image archive ...`). The code, details and cause stay; other errors pass unchanged.
 */
export function namingArchive(path: string, error: unknown): unknown {
  if (!(error instanceof StevedoreError) || !ABOUT_ARCHIVE.test(error.message)) return error;
  return new StevedoreError(error.code, `${path}: ${error.message.replace(ABOUT_ARCHIVE, '')}`, error.details, { cause: error });
}

/** Normalises an entry name, refusing absolute paths and `..` anywhere. */
export function safeEntryName(raw: string): string {
  if (raw.includes('\0')) throw archiveInvalid(raw.replace(/\0/g, '\\0'), 'name contains a NUL byte');
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) throw archiveInvalid(raw, 'absolute path');
  const parts = raw.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw archiveInvalid(raw, 'path contains ".."');
  return parts.join('/');
}
