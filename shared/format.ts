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

/**
 * A percentage (0 to 100) with `digits` decimals that never rounds a share to a figure it is not: 99.998 reads
 * "> 99.9 %" (not "100.0 %", which says every byte), 0.004 reads "< 0.1 %" (not "0.0 %", which says none).
 */
export function formatPercent(percent: number, digits = 1): string {
  const step = 10 ** -digits;
  const shown = percent.toFixed(digits);
  if (percent < 100 && Number(shown) >= 100) return `> ${(100 - step).toFixed(digits)} %`;
  if (percent > 0 && Number(shown) <= 0) return `< ${step.toFixed(digits)} %`;
  return `${shown} %`;
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

const MONTH_MS = 30 * 24 * 3600 * 1000;

/**
 * A date for lists: relative while it is recent (under a month: "3 days ago"), the day itself after that
 * ("2025-03-14"), since "1 year ago" would say the same of dates months apart.
 */
export function formatWhen(iso: string | undefined, now: number = Date.now()): string {
  const time = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(time) || Math.abs(now - time) < MONTH_MS) return formatRelative(iso, now);
  return new Date(time).toISOString().slice(0, 10);
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}

/**
 * A count with thousands separators, as `toLocaleString('en-US')` writes it: "150,000". Grouped by hand for whole
 * numbers, because the first toLocaleString of a process loads ICU's locale data, tens of milliseconds of CPU that a
 * short CLI command would spend on one comma.
 */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-US');
  const digits = String(Math.abs(count));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return count < 0 ? `-${grouped}` : grouped;
}

/** "1 layer", "3 layers", "1,000 tags". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : pluralNoun}`;
}
