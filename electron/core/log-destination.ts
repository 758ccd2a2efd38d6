// Where the log goes: stderr, or a file that only its owner can read. A log file a long-running host opens is rotated
// at start once it passes a size, so it cannot grow without bound across sessions.
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { StevedoreError } from './errors.js';

/** Rotation threshold for the hosts' own log files: the previous file is kept as `<name>.1`. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export function stderrDestination(): DestinationStream {
  // Synchronous: a CLI that exits right after a failure still leaves its last lines.
  return pino.destination({ dest: 2, sync: true });
}

export function fileDestination(path: string, options: { readonly rotateAtBytes?: number } = {}): DestinationStream {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const info = statSync(path, { throwIfNoEntry: false });
    if (info && !info.isFile()) throw new Error('not a regular file');
    if (info && options.rotateAtBytes !== undefined && info.size > options.rotateAtBytes) renameSync(path, `${path}.1`);
    return pino.destination({ dest: path, sync: true, append: true, mode: 0o600 });
  } catch (error) {
    throw new StevedoreError('CONFIG', `cannot write the log file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
