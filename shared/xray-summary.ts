// The one-line answer to "what made this image bigger (or smaller)", for the CLI and the UI alike (one arrow, →, in both).
import { formatBytes } from './format.js';
import { visibleText } from './visible-text.js';
import type { FileDiff, FileDiffItem } from './xray.js';

export function signedBytes(delta: number): string {
  return `${delta < 0 ? '-' : '+'}${formatBytes(Math.abs(delta))}`;
}

export function diffSummary(diff: Pick<FileDiff, 'delta' | 'oldBytes' | 'newBytes' | 'top'> & { readonly items?: FileDiff['items'] }): string {
  // Two images of the same files (one image under two tags): not 'the same size', which reads as if files differed.
  if (diff.items?.length === 0) return 'no file differs';
  const direction = diff.delta === 0 ? 'the same size' : `${signedBytes(diff.delta)} (${formatBytes(diff.oldBytes)} → ${formatBytes(diff.newBytes)})`;
  // A path is a layer's file name: on one line, its controls escaped, whether the CLI prints it or the UI shows it.
  const top = diff.top.map((t) => `/${visibleText(t.path, true)} ${signedBytes(t.delta)}`).join(', ');
  return `${direction}${top ? `: ${top}` : ''}`;
}

export interface DiffGroup {
  readonly dir: string;
  readonly delta: number;
  readonly items: readonly FileDiffItem[];
}

/** Items grouped by their directory, the groups and their items largest |delta| first. */
export function groupByDirectory(items: readonly FileDiffItem[]): DiffGroup[] {
  const groups = new Map<string, FileDiffItem[]>();
  for (const item of items) {
    const slash = item.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : item.path.slice(0, slash);
    const list = groups.get(dir);
    if (list) list.push(item);
    else groups.set(dir, [item]);
  }
  return [...groups]
    .map(([dir, list]) => ({ dir, delta: list.reduce((sum, i) => sum + i.delta, 0), items: [...list].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)) }))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.dir < b.dir ? -1 : 1));
}
