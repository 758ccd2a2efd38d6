// `stevedore files REF|ARCHIVE [--layer N]`: the merged filesystem with sizes and directory totals, or what one
// layer added, changed and removed.
import type { MergedFile } from '../../../shared/xray.js';
import { layerChanges } from '../../core/xray/views.js';
import { platformName } from '../../core/xray/image-source.js';
import { formatBytes, table } from '../format.js';
import type { Output } from '../output.js';
import { UsageError } from '../output.js';
import { oneLine } from '../terminal-text.js';
import { loadImage, loadMergedImage, type XrayOptions } from '../xray-target.js';

const MARK = { added: '+', changed: '~', removed: '-' } as const;

export async function filesCommand(args: readonly string[], options: XrayOptions & { layer?: number }, out: Output, signal: AbortSignal): Promise<void> {
  const target = out.requireOne(args, 'files <reference|archive> [--platform P] [--layer N]');
  if (options.layer !== undefined) return layerCommand(target, options.layer, options, out, signal);
  const { image, close } = await loadMergedImage(target, options, signal);
  try {
    const { files, totals } = image;
    if (options.json) {
      const layers = image.layers.map((l, i) => ({ layer: i + 1, digest: l.digest, diffId: l.diffId, size: l.size, tarSize: l.tarSize, entries: l.entries }));
      out.json({ image: image.name, platform: image.source.platform, layers, totalBytes: totals.get('') ?? 0, files: files.map((f) => (f.kind === 'dir' ? { ...f, bytes: totals.get(f.path) ?? 0 } : f)) });
      return;
    }
    out.line(`${oneLine(image.name)} (${oneLine(platformName(image.source.platform))}): ${files.length.toLocaleString('en-US')} paths, ${formatBytes(totals.get('') ?? 0)} in the merged filesystem of ${image.layers.length} ${image.layers.length === 1 ? 'layer' : 'layers'}${image.cached > 0 ? ` (${image.cached} from cache)` : ''}`);
    out.line(treeTable(files, totals));
  } finally {
    await close();
  }
}

/** What one layer added, changed and removed. */
async function layerCommand(target: string, layer: number, options: XrayOptions, out: Output, signal: AbortSignal): Promise<void> {
  const { image, close } = await loadImage(target, options, signal);
  try {
    const layers = image.layers.map((l, i) => ({ layer: i + 1, digest: l.digest, diffId: l.diffId, size: image.source.layers[i]?.size ?? 0, tarSize: l.tarSize, entries: l.entries.length }));
    const changes = layerChanges(image.layers)[layer - 1];
    if (!changes) throw new UsageError(`--layer takes 1 to ${image.layers.length}`);
    if (options.json) {
      out.json({ image: image.name, platform: image.source.platform, layer: { ...layers[layer - 1], ...changes, layer } });
      return;
    }
    out.line(`Layer ${layer} of ${oneLine(image.name)} (${oneLine(platformName(image.source.platform))}): +${changes.added} added (${formatBytes(changes.addedBytes)}), ~${changes.changed} changed (${formatBytes(changes.changedBytes)}), -${changes.removed} removed (${formatBytes(changes.removedBytes)})`);
    out.line(table(['', 'SIZE', 'PATH'], changes.changes.map((c) => [MARK[c.change], formatBytes(c.size), `/${c.path}${c.kind === 'dir' ? '/' : ''}`])));
  } finally {
    await close();
  }
}

/**
 * The merged tree as table() would lay out its SIZE, LAYER and PATH columns, in one pass over the paths with no array
 * per row: a line per path of an image, in a process too short-lived for the optimiser to take over the loop.
 */
function treeTable(files: readonly MergedFile[], totals: ReadonlyMap<string, number>): string {
  const sizes = new Array<string>(files.length);
  let sizeWidth = 'SIZE'.length;
  let layerWidth = 'LAYER'.length;
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as MergedFile;
    const size = formatBytes(f.kind === 'dir' ? (totals.get(f.path) ?? 0) : f.size);
    sizes[i] = size;
    if (size.length > sizeWidth) sizeWidth = size.length;
    const digits = String(f.layer + 1).length;
    if (digits > layerWidth) layerWidth = digits;
  }
  const lines = new Array<string>(files.length + 1);
  lines[0] = `${'SIZE'.padEnd(sizeWidth)}  ${'LAYER'.padEnd(layerWidth)}  PATH`;
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as MergedFile;
    const { kind } = f;
    const path = kind === 'dir' ? `/${f.path}/` : kind === 'symlink' ? `/${f.path} -> ${f.link ?? ''}` : kind === 'hardlink' ? `/${f.path} => /${f.link ?? ''}` : `/${f.path}`;
    // The path is the last cell, never blank (it starts with '/'): trimming it is trimming the line, as table() does.
    lines[i + 1] = `${(sizes[i] as string).padEnd(sizeWidth)}  ${String(f.layer + 1).padEnd(layerWidth)}  ${oneLine(path).trimEnd()}`;
  }
  return lines.join('\n');
}
