// WWW-Authenticate parsing, tolerant of parameter order, quoted commas and several challenges in one header.
export interface Challenge {
  /** Lowercase scheme: `basic`, `bearer`, ... */
  readonly scheme: string;
  /** Parameter names lowercased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_END = /[\s,=]/;

export function parseChallenges(headers: readonly string[]): Challenge[] {
  const challenges: Challenge[] = [];
  for (const value of headers) for (const challenge of parseOne(value)) challenges.push(challenge);
  return challenges;
}

function parseOne(input: string): Challenge[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skip = (pattern: RegExp): void => {
    while (i < input.length && pattern.test(input[i] ?? '')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < input.length && !TOKEN_END.test(input[i] ?? '')) i++;
    return input.slice(start, i);
  };
  const readValue = (): string => {
    if (input[i] !== '"') {
      const start = i;
      while (i < input.length && input[i] !== ',') i++;
      return input.slice(start, i).trim();
    }
    i++;
    let value = '';
    while (i < input.length && input[i] !== '"') {
      if (input[i] === '\\' && i + 1 < input.length) i++;
      value += input[i];
      i++;
    }
    i++;
    return value;
  };

  while (i < input.length) {
    skip(/[\s,]/);
    const token = readToken();
    if (token === '') {
      i++;
      continue;
    }
    skip(/[ \t]/);
    if (input[i] === '=' && input[i + 1] !== '=' && out.length > 0) {
      i++;
      skip(/[ \t]/);
      const current = out[out.length - 1];
      if (current) current.params[token.toLowerCase()] = readValue();
    } else if (input[i] === '=') {
      // token68 (e.g. `Negotiate abc==`): no parameters to read.
      skip(/=/);
    } else {
      out.push({ scheme: token.toLowerCase(), params: {} });
    }
  }
  return out;
}

/** Bearer preferred over Basic when a registry offers both. */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
