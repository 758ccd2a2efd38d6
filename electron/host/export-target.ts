// Where export:start may write. The web host takes a file name only, put in the export folder it chose; the desktop
// takes a path (a bare name goes to the home folder). Either way an export never replaces a file that exists: a
// typed name that happens to be ~/.bashrc must not be overwritten by a tarball. The one exception is a file the user
// chose in the desktop's native save dialog, which asked before replacing it.
import { lstat, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { StevedoreError } from '../core/errors.js';
import { destinationError } from '../core/export/destination-error.js';
import { alreadyExists } from '../core/export/tar-file.js';

/** A file name and nothing else: no folder, no `.` or `..`, no Windows separator either. */
const isPlainName = (name: string): boolean => name === basename(name) && !/[\\/\0]/.test(name) && name !== '.' && name !== '..';

/**
 * The file export:start writes, checked: PATH_NOT_ALLOWED, INVALID_ARGUMENT (no such folder) or ALREADY_EXISTS
 * (unless `replaceConfirmed`: the save dialog asked).
 */
export async function exportTarget(path: string, exportDir: string | undefined, replaceConfirmed = false): Promise<string> {
  let file: string;
  if (exportDir !== undefined) {
    if (!isPlainName(path)) throw new StevedoreError('PATH_NOT_ALLOWED', `exports from the web host go into ${exportDir}: give a file name, not a path ("${path}")`);
    await mkdir(exportDir, { recursive: true }).catch((error: unknown) => Promise.reject(new StevedoreError('INVALID_ARGUMENT', `the export folder ${exportDir} cannot be made: ${(error as Error).message}`)));
    file = join(exportDir, path);
  } else {
    file = isAbsolute(path) ? path : join(homedir(), path);
  }
  const folder = await stat(dirname(file)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new StevedoreError('INVALID_ARGUMENT', `${dirname(file)} is not a folder`);
  // Not followed: a symlink at the name is as much "a file there" as a file.
  // Only ENOENT means the name is free: one that cannot be looked at (too long, a folder not searchable) is not.
  const taken = await lstat(file).then(
    () => true,
    (error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? false : Promise.reject(destinationError(error, file))),
  );
  if (taken && !replaceConfirmed) throw alreadyExists(file);
  return file;
}
