// Human output for the terminal: aligned tables (sizes and dates are shared with the UI).
import { visibleText } from '../../shared/visible-text.js';

export { formatBytes, formatCount, formatRelative, plural, shortDigest } from '../../shared/format.js';

export function table(header: readonly string[], cellsOf: readonly (readonly string[])[]): string {
  // One row is one line: a cell from outside (a file name in a layer, a history command) that holds a line break or
  // another control character shows it escaped, and cannot add rows of its own to what is printed.
  const rows = cellsOf.map((r) => r.map((c) => visibleText(c, true)));
  // A fold, not Math.max(...rows): a table of 150,000 tags would overflow the call stack.
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
