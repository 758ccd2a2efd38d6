// Where the CLI writes: results to stdout, one-line errors and warnings to stderr, usage errors with exit code 2.
// Everything goes through terminalText / terminalJson, so no command prints raw control characters.
import { terminalJson, terminalText } from './terminal-text.js';

export class UsageError extends Error {}

export interface Output {
  /** A line, or a block of lines joined with \n. */
  line(text: string): void;
  /** Pretty-printed JSON. */
  json(value: unknown): void;
  /** Compact JSON on one line (event streams). */
  jsonLine(value: unknown): void;
  /** One line on stderr: `stevedore: <text>`. */
  error(text: string): void;
  /**
   * One line on stderr that tells what stdout cannot: an empty answer (`no tags in ...`) from a failure, while a
   * script reading stdout still gets an empty list.
   */
  note(text: string): void;
  requireOne(args: readonly string[], usage: string): string;
  usage(message: string): never;
}

let stdoutGuarded = false;

/**
 * A reader that stops early (`stevedore ls reg | head`) closes the pipe: the next write fails with EPIPE, which is no
 * error of ours. Exit quietly, as tools do on SIGPIPE, instead of dying on an unhandled 'error' event's stack trace.
 */
function quietWhenStdoutCloses(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export function terminalOutput(stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  if (stdout === process.stdout) quietWhenStdoutCloses();
  return {
    line: (text) => void stdout.write(`${terminalText(text, true)}\n`),
    json: (value) => void stdout.write(`${terminalJson(JSON.stringify(value, null, 2))}\n`),
    jsonLine: (value) => void stdout.write(`${terminalJson(JSON.stringify(value))}\n`),
    error: (text) => void stderr.write(`stevedore: ${terminalText(text)}\n`),
    note: (text) => void stderr.write(`${terminalText(text)}\n`),
    requireOne(args, usage) {
      if (args.length !== 1 || args[0] === undefined) throw new UsageError(`usage: stevedore ${usage}`);
      return args[0];
    },
    usage(message) {
      throw new UsageError(message);
    },
  };
}
