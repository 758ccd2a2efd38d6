#!/usr/bin/env node
// The stevedore command line: parses options, runs one command, prints one clear line on failure.
import '../core/workers/thread-pool-size.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toErrorInfo } from '../core/errors.js';
// Commands load on demand: `push` has no use for the web server's modules, and memory is one of its targets.
import type { TagSort } from './commands/tags.js';
import type { GlobalOptions } from './context.js';
import { UsageError, terminalOutput } from './output.js';
import { COMMAND_HELP, HELP, parseErrorLine } from './usage.js';


function readStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

export async function main(argv: readonly string[]): Promise<number> {
  const out = terminalOutput();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        long: { type: 'boolean', short: 'l', default: false },
        sort: { type: 'string' },
        creds: { type: 'string' },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        'ca-file': { type: 'string' },
        'cert-dir': { type: 'string' },
        insecure: { type: 'boolean', default: false },
        'plain-http': { type: 'boolean', default: false },
        jobs: { type: 'string', short: 'j' },
        'page-size': { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        image: { type: 'string' },
        all: { type: 'boolean', default: false },
        compression: { type: 'string' },
        'chunk-size': { type: 'string' },
        level: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
    if (values.version) {
      out.line('stevedore 0.1.0');
      return 0;
    }
    const [command, ...args] = positionals;
    const helpFor = command === 'help' ? args[0] : command;
    if ((values.help || command === 'help') && helpFor !== undefined && COMMAND_HELP[helpFor] !== undefined) {
      process.stdout.write(COMMAND_HELP[helpFor]);
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined && !values.help ? 2 : 0;
    }
    const options: GlobalOptions & { long: boolean; sort?: TagSort; pageSize?: number; all: boolean; image?: number; compression?: string; chunkSize?: string; level?: number } = {
      all: values.all,
      ...(values.sort !== undefined ? { sort: sortOf(values.sort) } : {}),
      ...(values.image !== undefined ? { image: nonNegativeInt(values.image, '--image') } : {}),
      ...(values.compression ? { compression: values.compression } : {}),
      ...(values['chunk-size'] ? { chunkSize: values['chunk-size'] } : {}),
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
      case 'serve':
        await (await import('./commands/serve.js')).serveCommand(values.port !== undefined ? nonNegativeInt(values.port, '--port') : undefined, out, controller.signal);
        break;
      case 'delete':
        await (await import('./commands/delete.js')).deleteCommand(args, options, out, controller.signal);
        break;
      default:
        throw new UsageError(`unknown command "${command}"; see stevedore --help`);
    }
    return 0;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`stevedore: ${parseErrorLine(error as Error, argv.find((a) => !a.startsWith('-')))}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`stevedore: ${(error as Error).message}\n`);
      return 2;
    }
    const info = toErrorInfo(error);
    // The engine's messages hold for the app too; only here may a hint name a command-line option.
    const hint = info.code === 'AUTH_REQUIRED' ? ' (or give --creds USER:PASS)' : '';
    process.stderr.write(`stevedore: ${info.message}${hint} [${info.code}]\n`);
    return controller.signal.aborted ? 130 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

function sortOf(value: string): TagSort {
  if (value !== 'name' && value !== 'created' && value !== 'size') throw new UsageError(`--sort takes name, created or size, not "${value}"`);
  return value;
}

function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number`);
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

process.exitCode = await main(process.argv.slice(2));
