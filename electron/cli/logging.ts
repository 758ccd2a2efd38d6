// Where the CLI's structured log goes: stderr with --verbose, else the file STEVEDORE_LOG names, else (for `serve`,
// a long-running host) stevedore.log under the state directory. Other commands log nothing unless asked.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LOG_ROTATE_BYTES, fileDestination, stderrDestination } from '../core/log-destination.js';
import { configureLog, isLogLevel, logStart, type LogLevel } from '../core/log.js';
import { UsageError } from './output.js';

export interface LogOptions {
  readonly verbose: boolean;
  readonly level?: string;
  readonly command?: string;
  readonly version: string;
}

/** `$XDG_STATE_HOME/stevedore` (default `~/.local/state/stevedore`): where `serve` keeps its log. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'stevedore');
}

/** Opens the log the options ask for; returns where it goes ('stderr', a path, or undefined for nowhere). */
export function startCliLog(options: LogOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const where = openCliLog(options, env);
  if (where !== undefined) logStart(`cli ${options.command ?? ''}`.trim(), options.version);
  return where;
}

function openCliLog(options: LogOptions, env: NodeJS.ProcessEnv): string | undefined {
  const raw = options.level ?? env.STEVEDORE_LOG_LEVEL;
  if (raw !== undefined && !isLogLevel(raw)) {
    throw new UsageError(`${options.level !== undefined ? '--log-level' : 'STEVEDORE_LOG_LEVEL'} takes debug, info, warn or error, not "${raw}"`);
  }
  const level: LogLevel = raw ?? 'info';
  if (options.verbose) {
    configureLog(stderrDestination(), level);
    return 'stderr';
  }
  if (env.STEVEDORE_LOG) {
    configureLog(fileDestination(env.STEVEDORE_LOG), level);
    return env.STEVEDORE_LOG;
  }
  if (options.command === 'serve') {
    const path = join(defaultStateDir(env), 'stevedore.log');
    configureLog(fileDestination(path, { rotateAtBytes: LOG_ROTATE_BYTES, background: true }), level);
    return path;
  }
  return undefined;
}
