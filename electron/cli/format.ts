// Human output for the terminal: aligned tables (sizes and dates are shared with the UI).
import { visibleText } from '../../shared/visible-text.js';

export { formatBytes, formatCount, formatPercent, formatRelative, plural, shortDigest } from '../../shared/format.js';

export function table(header: readonly string[], cellsOf: readonly (readonly string[])[]): string {
  // One row is one line: a cell from outside (a file name in a layer, a history command) that holds a line break or
  // another control character shows it escaped, and cannot add rows of its own to what is printed.
  // Plain loops, not a fold (Math.max(...rows) would overflow the call stack on 150,000 tags) nor a closure per
  // cell: `stevedore files` prints a line per path of an image.
  const widths = header.map((h) => h.length);
  const rows: string[][] = new Array<string[]>(cellsOf.length);
  for (let r = 0; r < cellsOf.length; r++) {
    const cells = cellsOf[r] as readonly string[];
    const row = new Array<string>(cells.length);
    for (let i = 0; i < cells.length; i++) {
      const cell = visibleText(cells[i] as string, true);
      row[i] = cell;
      if (i < widths.length && cell.length > (widths[i] as number)) widths[i] = cell.length;
    }
    rows[r] = row;
  }
  const line = (cells: readonly string[]): string => {
    let text = '';
    for (let i = 0; i < cells.length; i++) text += i === cells.length - 1 ? (cells[i] as string) : `${(cells[i] as string).padEnd(widths[i] ?? 0)}  `;
    return text.trimEnd();
  };
  const lines = new Array<string>(rows.length + 1);
  lines[0] = line(header);
  for (let r = 0; r < rows.length; r++) lines[r + 1] = line(rows[r] as string[]);
  return lines.join('\n');
}
