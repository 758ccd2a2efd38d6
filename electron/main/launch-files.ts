// Tarballs the OS hands to the app: on the command line (Windows, Linux, a second launch), through macOS `open-file`
// events (which can arrive before the window exists), or from a second instance. Pure, so it is unit-tested.
import { isAbsolute, resolve } from 'node:path';

export const ARCHIVE_EXTENSIONS: readonly string[] = ['.tar', '.tar.gz', '.tgz'];

/** Whether a name looks like an image tarball the app opens. */
export function looksLikeArchive(path: string): boolean {
  const lower = path.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export interface ArgvContext {
  /** Where the launching process ran: relative paths on its command line are relative to it. */
  readonly cwd: string;
  /** Packaged: argv is [exe, ...files]. Unpackaged (`electron .`): argv is [electron, appPath, ...files]. */
  readonly packaged: boolean;
}

/**
 * The archive paths on a command line, absolute. Flags (Chromium's `--foo`, macOS's `-psn_…`) and the app's own
 * path are not files; anything after `--` is taken as a path even if it starts with `-`.
 */
export function archivesFromArgv(argv: readonly string[], context: ArgvContext): readonly string[] {
  const rest = argv.slice(context.packaged ? 1 : 2);
  const paths: string[] = [];
  let literal = false;
  for (const arg of rest) {
    if (!literal && arg === '--') {
      literal = true;
      continue;
    }
    if (!literal && arg.startsWith('-')) continue;
    if (!looksLikeArchive(arg)) continue;
    paths.push(isAbsolute(arg) ? arg : resolve(context.cwd, arg));
  }
  return paths;
}

/**
 * Holds files until the window can take them, then hands each batch over once, in order, without duplicates
 * within a batch. macOS sends `open-file` before `ready`; a second launch may come while the window reloads.
 */
export class LaunchQueue {
  #pending: string[] = [];
  #deliver: ((paths: readonly string[]) => void) | undefined;

  add(paths: readonly string[]): void {
    if (paths.length === 0) return;
    for (const path of paths) if (!this.#pending.includes(path)) this.#pending.push(path);
    this.#flush();
  }

  /** The window is ready to receive files (again); pass undefined when it goes away. */
  attach(deliver: ((paths: readonly string[]) => void) | undefined): void {
    this.#deliver = deliver;
    this.#flush();
  }

  get pending(): readonly string[] {
    return this.#pending;
  }

  #flush(): void {
    if (this.#deliver === undefined || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#deliver(batch);
  }
}

/** The files a second instance sent with `requestSingleInstanceLock({ files })`, if that is what arrived. */
export function filesFromAdditionalData(data: unknown): readonly string[] | undefined {
  if (data === null || typeof data !== 'object' || !('files' in data)) return undefined;
  const files = (data as { files: unknown }).files;
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string' && isAbsolute(f))) return undefined;
  return files;
}
