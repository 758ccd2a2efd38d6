#!/usr/bin/env node
// The stevedore command line's entry: parses options and answers --version and --help from this file alone (no module
// of ours loads for them); any other command loads the commands' code (load-commands.ts), which runs it and prints one
// clear line on failure. The build bundles it twice: stevedore.mjs (`node dist/app/stevedore.mjs`) and stevedore.cjs,
// which bin/stevedore runs: a CommonJS main never loads Node's ES module loader (about 14 M instructions, a tenth of
// `--version`).
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { takeDeferredExtraCa } from './extra-ca-handover.js';
import { loadCommands } from './load-commands.js';
import { shortLivedProcess } from './short-lived.js';
import { COMMAND_HELP, HELP, commandHelp, parseErrorLine, unknownCommandLine } from './usage.js';

// As thread-pool-size.ts does for the other entry points, before anything queues work on libuv's thread pool (which
// serves both file reads and native compression): a thread per core plus room for reads.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));

// bin/stevedore defers NODE_EXTRA_CA_CERTS past Node's start; put it back for children, and keep the path for TLS.
takeDeferredExtraCa();

export const VERSION = '0.1.0';

const OPTIONS = {
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
        layer: { type: 'string' },
        'max-wasted-bytes': { type: 'string' },
        'min-efficiency': { type: 'string' },
        'max-upload': { type: 'string' },
        platform: { type: 'string' },
        'all-tags': { type: 'boolean', default: false },
        referrers: { type: 'boolean', default: false },
        'src-creds': { type: 'string' },
        'dest-creds': { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        verbose: { type: 'boolean', short: 'v', default: false },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
} as const;

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
}

/** What parseArgs found: the options by name, and the positionals (the command first). */
export type Parsed = ReturnType<typeof parse>;

/**
 * Help and the version, written here without output.ts: a reader that stops early (`stevedore --help | head -1`)
 * closes the pipe, and the write's EPIPE is no error of ours (it was an unhandled 'error' event's stack trace).
 */
function print(text: string): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.stdout.write(text);
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const [{ terminalOutput }, { guessOption }] = await Promise.all([import('./output.js'), import('./did-you-mean.js')]);
    terminalOutput().error(parseErrorLine(error as Error, argv.find((a) => !a.startsWith('-')), (option) => guessOption(option, argv, Object.keys(OPTIONS))));
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    print(`stevedore ${VERSION}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  const helpFor = command === 'help' ? args[0] : command;
  const help = helpFor === undefined ? undefined : commandHelp(helpFor);
  if ((values.help || command === 'help') && help !== undefined) {
    print(help);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    print(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (commandHelp(command) === undefined) {
    // Said before any command's code loads; crane's and skopeo's names for a command point to ours.
    const [{ terminalOutput }, { commandSuggestion }] = await Promise.all([import('./output.js'), import('./did-you-mean.js')]);
    terminalOutput().error(unknownCommandLine(command, commandSuggestion(command, Object.keys(COMMAND_HELP))));
    return 2;
  }
  // `serve` runs until stopped: its HTTP parser earns V8's full optimisation.
  if (command !== 'serve') shortLivedProcess();
  // --no-cache keeps every cache out of it, the commands' compiled code too.
  const commands = await loadCommands(command, values['no-cache'] ? false : values['cache-dir']);
  const code = await commands.runCommand(command, args, values, VERSION);
  if (code === 0) commands.saveCache();
  return code;
}

// Not a top-level await: the build also bundles this file as CommonJS (stevedore.cjs), which has none.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
