// A file system error while an export writes (its tar, or a spool file beside it), named by the path the user gave
// and given a stable code: never the raw ENOSPC naming a hidden temp file.
import { dirname } from 'node:path';
import { StevedoreError } from '../errors.js';

/** An error of the file system at the destination, named by the path the user gave (not the temp file beside it). */
export function destinationError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new StevedoreError('NOT_FOUND', `cannot write ${path}: the folder ${dirname(path)} does not exist`);
  if (code === 'ENOTDIR') return new StevedoreError('NOT_FOUND', `cannot write ${path}: a part of ${dirname(path)} is not a folder`);
  if (code === 'ENAMETOOLONG') return new StevedoreError('INVALID_ARGUMENT', `cannot write ${path}: the name is longer than this file system allows`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new StevedoreError('DENIED', `cannot write ${path}: no permission to create files in ${dirname(path)}`);
  // A full disk, a quota, or a file size limit (ulimit -f): the export stops, its temp file is removed.
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') return new StevedoreError('NO_SPACE', `cannot write ${path}: ${code === 'EFBIG' ? 'the file would be larger than this system allows' : 'no space left on the disk'} (${code})`);
  return error;
}
