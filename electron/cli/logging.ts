// Where the CLI's structured log goes: stderr with --verbose, else the file STEVEDORE_LOG names, else (for `serve`,
// a long-running host) stevedore.log under the state directory. Other commands log nothing unless asked, and then
// load nothing of the log's writer: pino and its streams are imported only once a destination is chosen.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isLogLevel, logStart, type LogLevel } from '../core/log.js';
import { UsageError } from './output.js';

export interface LogOptions {
  readonly verbose: boolean;
  readonly level?: string;
  readonly command?: string;
  readonly version: string;
}

/** Where a log goes, decided before anything is opened. */
export type LogTarget = { readonly kind: 'stderr'; readonly level: LogLevel } | { readonly kind: 'file'; readonly path: string; readonly level: LogLevel; readonly rotate: boolean };

/** `$XDG_STATE_HOME/stevedore` (default `~/.local/state/stevedore`): where `serve` keeps its log. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'stevedore');
}

/** Opens the log the options ask for; returns where it goes ('stderr', a path, or undefined for nowhere). */
export async function startCliLog(options: LogOptions, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const target = cliLogTarget(options, env);
  if (target === undefined) return undefined;
  const [{ configureLog }, { LOG_ROTATE_BYTES, fileDestination, stderrDestination }] = await Promise.all([import('../core/log-writer.js'), import('../core/log-destination.js')]);
  if (target.kind === 'stderr') {
    configureLog(stderrDestination(), target.level);
  } else {
    // A long-running host writes in the background and rotates; a command writes synchronously.
    configureLog(fileDestination(target.path, target.rotate ? { rotateAtBytes: LOG_ROTATE_BYTES, background: true } : {}), target.level);
  }
  logStart(`cli ${options.command ?? ''}`.trim(), options.version);
  return target.kind === 'stderr' ? 'stderr' : target.path;
}

/** Where the options send the log, if anywhere; a bad level is a usage error whether or not a log is opened. */
export function cliLogTarget(options: LogOptions, env: NodeJS.ProcessEnv = process.env): LogTarget | undefined {
  const raw = options.level ?? env.STEVEDORE_LOG_LEVEL;
  if (raw !== undefined && !isLogLevel(raw)) {
    throw new UsageError(`${options.level !== undefined ? '--log-level' : 'STEVEDORE_LOG_LEVEL'} takes debug, info, warn or error, not "${raw}"`);
  }
  const level: LogLevel = raw ?? 'info';
  if (options.verbose) return { kind: 'stderr', level };
  if (env.STEVEDORE_LOG) return { kind: 'file', path: env.STEVEDORE_LOG, level, rotate: false };
  if (options.command === 'serve') return { kind: 'file', path: join(defaultStateDir(env), 'stevedore.log'), level, rotate: true };
  return undefined;
}
