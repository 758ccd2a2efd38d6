// Runs one command of the command line (the entry, main.ts, has parsed the options): opens the log, loads the
// command's modules on demand, and turns a failure into one clear line and an exit code.
import { Buffer } from 'node:buffer';
import { readSync } from 'node:fs';
import { StevedoreError, toErrorInfo } from '../core/errors.js';
import { logError } from '../core/log.js';
import { parseSize } from '../core/size.js';
// Commands load on demand: `push` has no use for the web server's modules, and memory is one of its targets.
import type { TagSort } from './commands/tags.js';
import type { GlobalOptions } from './context.js';
import { cliHint } from './error-hint.js';
import { startCliLog } from './logging.js';
import type { Parsed } from './main.js';
import { UsageError, terminalOutput } from './output.js';
import type { TransferOptions } from './transfer-options.js';
import type { XrayOptions } from './xray-target.js';

type XrayCommandOptions = XrayOptions & { layer?: number; maxWastedBytes?: number; minEfficiency?: number };

/**
 * The most --password-stdin reads: a password or token is a few KiB at most (a cloud key file used as one, about
 * 2.5 KiB). Docker reads stdin to its end, whatever comes; `< /dev/zero` here is an error, not all of memory.
 */
export const MAX_STDIN_PASSWORD_BYTES = 1024 * 1024;

function readStdin(): string {
  const buffer = Buffer.alloc(MAX_STDIN_PASSWORD_BYTES + 1);
  let at = 0;
  for (let n = 1; n > 0 && at < buffer.length; at += n) n = readSync(0, buffer, at, buffer.length - at, null);
  if (at > MAX_STDIN_PASSWORD_BYTES) throw new StevedoreError('TOO_LARGE', `--password-stdin takes a password of at most ${MAX_STDIN_PASSWORD_BYTES} bytes; stdin holds more`);
  return buffer.toString('utf8', 0, at).replace(/\r?\n$/, '');
}

export async function runCommand(command: string, args: readonly string[], values: Parsed['values'], version: string): Promise<number> {
  const out = terminalOutput();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new StevedoreError('CANCELLED', 'interrupted'));
  process.once('SIGINT', onSignal);
  try {
    if (values.creds !== undefined) {
      // As docker login -p does: the process list shows every argument to every local user.
      out.error('warning: --creds puts the password in the process list, where other users of this machine can read it; use --username USER --password-stdin instead');
    }
    const logTo = await startCliLog({ version, verbose: values.verbose, ...(values['log-level'] !== undefined ? { level: values['log-level'] } : {}), command });
    const options: GlobalOptions & TransferOptions & { long: boolean; sort?: TagSort; pageSize?: number; all: boolean; image?: number; compression?: string; chunkSize?: string; level?: number } = {
      all: values.all,
      ...(values.sort !== undefined ? { sort: sortOf(values.sort) } : {}),
      allTags: values['all-tags'],
      referrers: values.referrers,
      ...(values.platform !== undefined ? { platform: values.platform } : {}),
      ...(values['src-creds'] !== undefined ? { srcCreds: values['src-creds'] } : {}),
      ...(values['dest-creds'] !== undefined ? { destCreds: values['dest-creds'] } : {}),
      ...(values.format !== undefined ? { format: values.format } : {}),
      ...(values.output !== undefined ? { output: values.output } : {}),
      ...(values.image !== undefined ? { image: nonNegativeInt(values.image, '--image') } : {}),
      ...(values.compression ? { compression: values.compression } : {}),
      ...(values['chunk-size'] ? { chunkSize: sizeOf(values['chunk-size'], '--chunk-size') } : {}),
      ...(values.level !== undefined ? { level: levelOf(values.level) } : {}),
      json: values.json,
      long: values.long,
      insecure: values.insecure,
      plainHttp: values['plain-http'],
      noCache: values['no-cache'],
      ...(values.jobs !== undefined ? { jobs: positiveInt(values.jobs, '--jobs') } : {}),
      ...(values['page-size'] ? { pageSize: positiveInt(values['page-size'], '--page-size') } : {}),
      ...(values.creds ? { creds: values.creds } : {}),
      ...(values.username ? { username: values.username } : {}),
      ...(values['password-stdin'] ? { password: readStdin() } : {}),
      ...(values['ca-file'] ? { caFile: values['ca-file'] } : {}),
      ...(values['cert-dir'] ? { certDir: values['cert-dir'] } : {}),
      ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
    };
    switch (command) {
      case 'ls':
        await (await import('./commands/ls.js')).lsCommand(args, options, out, controller.signal);
        break;
      case 'tags':
        await (await import('./commands/tags.js')).tagsCommand(args, options, out, controller.signal);
        break;
      case 'inspect':
        await (await import('./commands/inspect.js')).inspectCommand(args, options, out, controller.signal);
        break;
      case 'push':
        await (await import('./commands/push.js')).pushCommand(args, options, out, controller.signal);
        break;
      case 'copy':
        await (await import('./commands/copy.js')).copyCommand(args, options, out, controller.signal);
        break;
      case 'pull':
        await (await import('./commands/pull.js')).pullCommand(args, options, out, controller.signal);
        break;
      case 'serve':
        // `stevedore serve 8080` served on a random port, the 8080 ignored.
        if (args.length > 0) throw new UsageError(`serve takes no arguments${/^[0-9]+$/.test(args[0] as string) ? `: to listen on port ${args[0]}, give --port ${args[0]}` : ''}; see stevedore serve --help`);
        await (await import('./commands/serve.js')).serveCommand(
          { ...(values.port !== undefined ? { port: portOf(values.port) } : {}), ...(values['max-upload'] !== undefined ? { maxUpload: sizeOf(values['max-upload'], '--max-upload') } : {}) },
          out,
          controller.signal,
          logTo,
        );
        break;
      case 'delete':
        await (await import('./commands/delete.js')).deleteCommand(args, options, out, controller.signal);
        break;
      case 'files':
      case 'diff':
      case 'waste':
      case 'cat':
        return await xrayCommand(command, args, { ...options, ...xrayOptions(values) }, controller.signal);
      default:
        throw new UsageError(`unknown command "${command}"; see stevedore --help`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      out.error((error as Error).message);
      return 2;
    }
    const info = toErrorInfo(error);
    logError(`cli ${command}`, info);
    // The engine's messages hold for the app too; only here may a hint name a command-line option.
    const hint = cliHint(info);
    out.error(`${info.message}${hint} [${info.code}]`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

function sortOf(value: string): TagSort {
  if (value !== 'name' && value !== 'created' && value !== 'size') throw new UsageError(`--sort takes name, created or size, not "${value}"`);
  return value;
}

async function xrayCommand(command: 'files' | 'diff' | 'waste' | 'cat', args: readonly string[], options: XrayCommandOptions, signal: AbortSignal): Promise<number> {
  const out = terminalOutput();
  if (command === 'files') await (await import('./commands/files.js')).filesCommand(args, options, out, signal);
  else if (command === 'diff') await (await import('./commands/diff.js')).diffCommand(args, options, out, signal);
  else if (command === 'cat') await (await import('./commands/cat.js')).catCommand(args, options, out, signal);
  else return (await import('./commands/waste.js')).wasteCommand(args, options, out, signal);
  return 0;
}

function xrayOptions(values: { platform?: string | undefined; layer?: string | undefined; 'max-wasted-bytes'?: string | undefined; 'min-efficiency'?: string | undefined }): { platform?: string; layer?: number; maxWastedBytes?: number; minEfficiency?: number } {
  const efficiency = values['min-efficiency'] === undefined ? undefined : Number(values['min-efficiency']);
  if (efficiency !== undefined && !(efficiency >= 0 && efficiency <= 1)) throw new UsageError('--min-efficiency takes a number from 0 to 1');
  return {
    ...(values.platform ? { platform: values.platform } : {}),
    ...(values.layer !== undefined ? { layer: positiveInt(values.layer, '--layer') as number } : {}),
    ...(values['max-wasted-bytes'] !== undefined ? { maxWastedBytes: nonNegativeInt(values['max-wasted-bytes'], '--max-wasted-bytes') } : {}),
    ...(efficiency !== undefined ? { minEfficiency: efficiency } : {}),
  };
}

function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number`);
  return n;
}

/** A size option checked here, so that its error names the option (the engine's says only "not a size"). */
function sizeOf(value: string, flag: string): string {
  try {
    parseSize(value);
  } catch {
    throw new UsageError(`${flag} takes a size such as 4M, 512k or 1G, not "${value}"`);
  }
  return value;
}

function portOf(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port takes 0 to 65535 (0: a free one)');
  return n;
}

function levelOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new UsageError('--level takes 1 to 9');
  return n;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number of at least 1`);
  return n;
}
