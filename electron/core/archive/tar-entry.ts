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

/** Normalises an entry name, refusing absolute paths and `..` anywhere. */
export function safeEntryName(raw: string): string {
  if (raw.includes('\0')) throw archiveInvalid(raw.replace(/\0/g, '\\0'), 'name contains a NUL byte');
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) throw archiveInvalid(raw, 'absolute path');
  const parts = raw.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw archiveInvalid(raw, 'path contains ".."');
  return parts.join('/');
}
