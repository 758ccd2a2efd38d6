// `stevedore diff A B`: the files that differ between two images (references or archives, in any mix), largest size
// impact first, under a one-line answer to "what made B bigger (or smaller) than A".
import { diffSummary, signedBytes } from '../../../shared/xray-summary.js';
import { fileDiff } from '../../core/xray/file-diff.js';
import { mergedView } from '../../core/xray/views.js';
import { formatBytes, table } from '../format.js';
import type { Output } from '../output.js';
import { UsageError } from '../output.js';
import { oneLine } from '../terminal-text.js';
import { loadImage, type XrayOptions } from '../xray-target.js';

const SHOWN = 50;

export async function diffCommand(args: readonly string[], options: XrayOptions, out: Output, signal: AbortSignal): Promise<void> {
  if (args.length !== 2) throw new UsageError('usage: stevedore diff <reference|archive> <reference|archive>');
  const first = await loadImage(args[0] as string, options, signal);
  try {
    const second = await loadImage(args[1] as string, options, signal);
    try {
      const before = mergedView(first.image.layers);
      const after = mergedView(second.image.layers);
      const diff = fileDiff(before, after);
      if (options.json) {
        out.json({ from: first.image.name, to: second.image.name, ...diff });
        return;
      }
      // In the order given, as the sizes in the summary read (old → new) and as the app says "from A to B".
      out.line(`${oneLine(first.image.name)} → ${oneLine(second.image.name)}: ${diffSummary(diff)}`);
      if (diff.items.length === 0) return;
      out.line(table(['', 'DELTA', 'OLD', 'NEW', 'LAYER', 'PATH'], diff.items.slice(0, SHOWN).map((i) => [i.change === 'added' ? '+' : i.change === 'removed' ? '-' : '~', signedBytes(i.delta), formatBytes(i.oldSize), formatBytes(i.newSize), i.layer !== undefined ? String(i.layer + 1) : '', `/${i.path}${i.metadata ? ' (mode/owner changed)' : ''}`])));
      if (diff.items.length > SHOWN) out.line(`… and ${diff.items.length - SHOWN} more (--json lists them all)`);
    } finally {
      await second.close();
    }
  } finally {
    await first.close();
  }
}
