// Human output for the terminal: aligned tables (sizes and dates are shared with the UI).
export { formatBytes, formatRelative, plural, shortDigest } from '../../shared/format.js';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // No spread over rows: a table may have 150,000 of them.
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
