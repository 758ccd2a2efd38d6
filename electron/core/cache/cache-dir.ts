// Where Stevedore keeps what it may rebuild at any time: STEVEDORE_CACHE_DIR, else `$XDG_CACHE_HOME/stevedore`
// (default `~/.cache/stevedore`). Its own module so the CLI's entry can find it without loading the content cache.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVEDORE_CACHE_DIR) return env.STEVEDORE_CACHE_DIR;
  // An empty or relative XDG_CACHE_HOME is ignored, as the XDG base directory spec says.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'stevedore');
}
