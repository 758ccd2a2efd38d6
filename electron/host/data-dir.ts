// Where the profiles live. Its own module: `stevedore serve` needs it before it listens, and the contract host (which
// re-exports it) loads only after that.
import { isAbsolute, join } from 'node:path';

/** As the XDG base directory spec says, an empty or relative XDG_CONFIG_HOME is ignored (not read as the working directory). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVEDORE_DATA_DIR) return env.STEVEDORE_DATA_DIR;
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || '.', '.config'), 'stevedore');
}

/** Where the web host writes what export:start asks for (a file name only): the user's downloads, in a folder of ours. */
export function defaultExportDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEVEDORE_EXPORT_DIR || join(env.HOME || '.', 'Downloads', 'stevedore');
}
