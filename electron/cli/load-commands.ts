// Loads the commands' code with a V8 code cache. Compiling JavaScript was the largest part of a short command's CPU
// (about 40% of a no-op push's instructions: parsing undici and our modules, then each function on its first call).
// Node 20 has no compile cache for ES modules (module.enableCompileCache arrived in 22.1), so the build also bundles
// the commands as one CommonJS file, commands.cjs beside the entry, which runs here through vm.Script: the first run
// of a command compiles it and saves V8's code for every function it used; the next runs start from that.
//
// The cache file is named by a hash of the bundle's bytes (computed by the build), the Node version and the command, so another build never
// meets this one's code (V8 itself only checks the source's length, its own version and its flags, and rejects a
// mismatch). A cache that is missing, rejected or unwritable only costs the compilation. Without commands.cjs (the
// unbundled tsc output) the commands load as ES modules.
//
// V8 trusts a cache's payload once its header matches (release builds verify no checksum, and the source is matched by
// its length alone), so the file is code we run: it is headed by the sha256 of its payload (a flipped byte is a miss,
// not a crash or other code), and it is used only when it and its directory belong to this user and no one else may
// write them (a cache directory shared with others, or planted by them, is never a way into this process).
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { readCacheEntrySync } from '../core/regular-file.js';
import type { runCommand } from './run-command.js';

type RunCommand = typeof runCommand;

export interface LoadedCommands {
  readonly runCommand: RunCommand;
  /** After a command succeeded: saves the code cache if this run had none. */
  readonly saveCache: () => void;
}

const BUNDLE = 'commands.cjs';
/** The first line build/bundle.mjs writes: the sha256 of the bundle's bytes below it. */
const BUILD_ID = /^\/\/ stevedore-commands sha256:([0-9a-f]{64})\n/;
/** Larger than any cache of the bundle: a planted huge file is not read. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** The cache file's head: the sha256 of the V8 data after it. */
const DIGEST_BYTES = 32;

/** `cacheDir` false (--no-cache): the code cache is neither read nor written. */
export async function loadCommands(command: string, cacheDir: string | false | undefined): Promise<LoadedCommands> {
  const bundle = join(dirname(fileURLToPath(import.meta.url)), BUNDLE);
  let source: string;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch {
    return { runCommand: (await import('./run-command.js')).runCommand, saveCache: () => undefined };
  }
  // Loaded here rather than imported: an ES module facade of a built-in copies every export (crypto has many), and
  // node:module loads Node's ES module loader, which the CommonJS entry (stevedore.cjs) otherwise never does: not for
  // --version.
  const { Script } = process.getBuiltinModule('node:vm');
  const { createHash } = process.getBuiltinModule('node:crypto');
  const { createRequire } = process.getBuiltinModule('node:module');
  const { defaultCacheDir } = await import('../core/cache/cache-dir.js');
  const regularFile = await import('../core/regular-file.js');
  // The build heads the bundle with the hash of its bytes; the file's size and time also count, for a hand edit.
  const { size, mtimeMs } = statSync(bundle);
  const built = BUILD_ID.exec(source)?.[1] ?? createHash('sha256').update(source).digest('hex');
  const key = createHash('sha256').update(`${built}\0${size}\0${mtimeMs}\0${process.version}\0${process.arch}\0${command}`).digest('hex').slice(0, 40);
  const cacheFile = join(cacheDir || defaultCacheDir(), 'code', `${key}.v8`);
  const cached = cacheDir === false ? undefined : readCache(cacheFile, (data) => createHash('sha256').update(data).digest(), regularFile.readCacheEntrySync);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
    // No importModuleDynamically: a script made from a code cache loses it (Node 20), so the build leaves no import()
    // in the bundle (built-ins are required instead).
  });
  const module = { exports: {} as { runCommand?: RunCommand } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const runCommand = module.exports.runCommand;
  if (typeof runCommand !== 'function') throw new Error(`${bundle} does not export runCommand`);
  const fresh = cached === undefined || script.cachedDataRejected === true;
  const saveCache = (): void => {
    if (!fresh || cacheDir === false) return;
    const data = script.createCachedData();
    writeCache(cacheFile, Buffer.concat([createHash('sha256').update(data).digest(), data]));
  };
  return { runCommand, saveCache };
}

/** True when only this user can have written the entry (no owner notion where getuid is missing: Windows). */
function ownedPrivately(stat: Stats): boolean {
  return (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o022) === 0;
}

function readCache(path: string, sha256: (data: Buffer) => Buffer, read: typeof readCacheEntrySync): Buffer | undefined {
  try {
    // Opened first, then checked on the descriptor (a regular file, not a symlink, within the bound, private), then
    // read from it: a check by path would leave a moment to swap in a FIFO (a start-up that waits forever) or a link.
    const file = read(path, MAX_CACHE_BYTES, (stat) => {
      if (!ownedPrivately(stat)) throw new Error('not private');
    });
    if (!file || file.length <= DIGEST_BYTES || !ownedPrivately(statSync(dirname(path)))) return undefined;
    const data = file.subarray(DIGEST_BYTES);
    return sha256(data).equals(file.subarray(0, DIGEST_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(path: string, data: Buffer): void {
  // Not guessable, and never written through: where others could plant a symlink at a temp name known in advance
  // (the process id), the cache's bytes would land in whatever file it names (~/.bashrc).
  const temp = `${path}.${process.pid}.${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(dirname(path)), { recursive: true });
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // A folder others may write is not read from (readCache), so it is not written to either.
    if (!ownedPrivately(statSync(dirname(path)))) return;
    writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // No temporary file where its directory could not be made (the cache directory is a file, say).
    }
  }
}
