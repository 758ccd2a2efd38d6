// Sizes in decimal units as Docker shows them, relative dates, short digests: for the CLI and the UI alike.
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatRelative(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '-';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((now - time) / 1000);
  const steps: readonly [number, string][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [30, 'day'],
    [12, 'month'],
    [Number.POSITIVE_INFINITY, 'year'],
  ];
  let value = Math.abs(seconds);
  for (const [size, name] of steps) {
    if (value < size) {
      const rounded = Math.floor(value);
      const label = `${rounded} ${name}${rounded === 1 ? '' : 's'}`;
      return seconds >= 0 ? `${label} ago` : `in ${label}`;
    }
    value /= size;
  }
  return iso;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/**
 * An integer with thousands separators, "1,234,567", as toLocaleString('en-US') writes it. Written out because the
 * first toLocaleString of a process loads ICU's number formatting: 9 MB of RSS, for a CLI that only counts things.
 */
export function thousands(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-US');
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** "1 layer", "3 layers", "1,000 tags". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${thousands(count)} ${count === 1 ? noun : pluralNoun}`;
}
