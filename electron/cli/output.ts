// Where the CLI writes: results to stdout, one-line errors to stderr, usage errors with exit code 2.
export class UsageError extends Error {}

export interface Output {
  line(text: string): void;
  json(value: unknown): void;
  requireOne(args: readonly string[], usage: string): string;
  usage(message: string): never;
}

export function terminalOutput(stdout: NodeJS.WritableStream = process.stdout): Output {
  return {
    line: (text) => void stdout.write(`${text}\n`),
    json: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    requireOne(args, usage) {
      if (args.length !== 1 || args[0] === undefined) throw new UsageError(`usage: stevedore ${usage}`);
      return args[0];
    },
    usage(message) {
      throw new UsageError(message);
    },
  };
}
