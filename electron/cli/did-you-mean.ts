// A mistyped command or option, or one from crane or skopeo, answered with the one this command line has: `catalog`
// is `ls`, `--tls-verify=false` is `--insecure`, `--ca` is `--ca-file`, `tgas` is `tags`. Only a suggestion: a
// mistyped word never runs another command.

/** What crane, skopeo, docker and dive users type, and what it is here (`crane tag` is a copy within a repository). */
const COMMANDS_ELSEWHERE: Readonly<Record<string, string>> = {
  catalog: 'ls',
  list: 'ls',
  repos: 'ls',
  'list-tags': 'tags',
  tag: 'copy',
  cp: 'copy',
  rm: 'delete',
  rmi: 'delete',
  manifest: 'inspect',
  config: 'inspect',
  digest: 'inspect',
  info: 'inspect',
  save: 'pull',
  load: 'push',
  upload: 'push',
  dive: 'waste',
  version: '--version',
};

/** skopeo's `--tls-verify=false` is `--insecure`: TLS is verified unless it is given. */
const OPTIONS_ELSEWHERE: Readonly<Record<string, string>> = {
  'tls-verify': 'insecure',
  'src-tls-verify': 'insecure',
  'dest-tls-verify': 'insecure',
  'src-cert-dir': 'cert-dir',
  'dest-cert-dir': 'cert-dir',
  'ca-cert': 'ca-file',
  cacert: 'ca-file',
  ca: 'ca-file',
  password: 'password-stdin',
  user: 'username',
};

/** Edits (insert, delete, replace, swap of neighbours) from `a` to `b`, or more than `limit` once past it. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] as number) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The one known name `typed` is closest to (two edits at most, one for short names), or undefined when none or a tie. */
function closest(typed: string, known: readonly string[]): string | undefined {
  const limit = typed.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const name of known) {
    const d = distance(typed, name, limit);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}

/** `stevedore <command>` for an unknown command, or undefined. */
export function commandSuggestion(typed: string, commands: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const name = (Object.hasOwn(COMMANDS_ELSEWHERE, lower) ? COMMANDS_ELSEWHERE[lower] : undefined) ?? closest(lower, commands);
  return name === undefined ? undefined : `stevedore ${name}`;
}

/** What the user typed that parseArgs called `option`, and what they meant, if we can tell. */
export interface OptionGuess {
  readonly typed: string;
  readonly meant?: string;
}

/**
 * An unknown option in the words the user typed it: `-insecure` (Go's flag style) reaches us as `-i`, the first of a
 * run of short options; that word from `argv` is shown, and read as the long option it names.
 */
export function guessOption(option: string, argv: readonly string[], options: readonly string[]): OptionGuess {
  const word = /^-[^-]$/.test(option) ? argv.find((a) => a.length > 2 && a.startsWith(option) && !a.startsWith('--')) : undefined;
  const typed = word === undefined ? option : word.replace(/=.*$/s, '');
  const meant = optionSuggestion(word === undefined ? option : `-${typed}`, options);
  return meant === undefined ? { typed } : { typed, meant };
}

/** `--option` to use for an unknown `--name`, or undefined. */
export function optionSuggestion(typed: string, options: readonly string[]): string | undefined {
  const name = typed.replace(/^-+/, '').replace(/=.*$/s, '').toLowerCase();
  const elsewhere = Object.hasOwn(OPTIONS_ELSEWHERE, name) ? OPTIONS_ELSEWHERE[name] : undefined;
  if (elsewhere !== undefined) return `--${elsewhere}`;
  // A prefix of exactly one option (--page for --page-size), else the nearest spelling.
  const extended = options.filter((o) => o.length > name.length && o.startsWith(name));
  if (name.length >= 3 && extended.length === 1) return `--${extended[0] as string}`;
  const near = closest(name, options);
  return near === undefined ? undefined : `--${near}`;
}
