// Where the log goes: stderr, or a file that only its owner can read. A log file a long-running host opens is rotated
// at start once it passes a size, so it does not grow without bound across sessions.
import { mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { StevedoreError } from './errors.js';
import { fileErrorReason } from './regular-file.js';

/** Rotation threshold for the hosts' own log files: the previous file is kept as `<name>.1`. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export function stderrDestination(): DestinationStream {
  // Synchronous: a CLI that exits right after a failure still leaves its last lines.
  return pino.destination({ dest: 2, sync: true });
}

export interface FileLogOptions {
  /** Rotate to `<path>.1` at open once the file is bigger than this. */
  readonly rotateAtBytes?: number;
  /**
   * Write on the event loop's own time (the hosts, whose main thread also serves the UI); lines still pending are
   * flushed when the process exits. The CLI writes synchronously.
   */
  readonly background?: boolean;
}

export function fileDestination(path: string, options: FileLogOptions = {}): DestinationStream {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const info = statSync(path, { throwIfNoEntry: false });
    if (info && !info.isFile()) throw new Error('not a regular file');
    if (info && options.rotateAtBytes !== undefined && info.size > options.rotateAtBytes) renameSync(path, `${path}.1`);
    // Opened here, synchronously: the stream is ready at once, so an early exit still flushes what was logged.
    const fd = openSync(path, 'a', 0o600);
    return pino.destination({ dest: fd, sync: options.background !== true });
  } catch (error) {
    // mkdir says EEXIST or ENOTDIR where a file stands in the folder's way: "file already exists" named nothing.
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? 'a part of its folder\'s path is a file, not a folder' : fileErrorReason(error);
    throw new StevedoreError('CONFIG', `cannot write the log file ${path}: ${reason}`);
  }
}
