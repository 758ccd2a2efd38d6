// Human output for the terminal: aligned tables (sizes and dates are shared with the UI).
export { formatBytes, formatCount, formatRelative, plural, shortDigest } from '../../shared/format.js';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // A fold, not Math.max(...rows): a table of 150,000 tags would overflow the call stack.
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
