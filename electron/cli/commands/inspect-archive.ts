// `stevedore inspect <archive>`: the images in a tarball, their tags, platforms, layers and what a push will do.
import type { ArchiveInspection } from '../../../shared/archive.js';
import { inspectArchive } from '../../core/archive/inspect-archive.js';
import { namingArchiveErrors } from '../archive-name.js';
import { formatBytes, plural, shortDigest, table } from '../format.js';
import { oneLine } from '../terminal-text.js';
import type { Output } from '../output.js';

export async function inspectArchiveCommand(path: string, json: boolean, out: Output, signal: AbortSignal): Promise<void> {
  const { inspection } = await namingArchiveErrors(path, () => inspectArchive(path, signal));
  if (json) out.json(inspection);
  else out.line(renderArchive(inspection));
}

export function renderArchive(inspection: ArchiveInspection): string {
  const lines = [`${inspection.path}: ${inspection.format}${inspection.gzipped ? ', gzip-wrapped' : ''}, ${plural(inspection.images.length, 'image')}`];
  for (const image of inspection.images) {
    lines.push('', `Image ${image.id}: ${image.names.length > 0 ? oneLine(image.names.join(', ')) : '(no name)'}${image.kind === 'index' ? ` (index of ${plural(image.platforms.length, 'platform')})` : ''}`);
    for (const platform of image.platforms) {
      const name = [platform.platform.os, platform.platform.architecture, platform.platform.variant].filter(Boolean).join('/');
      const total = platform.layers.reduce((sum, l) => sum + l.size, 0);
      lines.push(`  ${oneLine(name)}: config ${shortDigest(platform.config.digest)}, ${plural(platform.layers.length, 'layer')}, ${formatBytes(total)} stored${platform.created ? `, created ${oneLine(platform.created)}` : ''}`);
      lines.push(
        table(
          ['    #', 'DIFF ID', 'STORED', 'COMPRESSION', 'ON PUSH'],
          platform.layers.map((l, i) => [`    ${i + 1}`, shortDigest(l.diffId), formatBytes(l.size), l.compression, l.compression === 'none' ? 'gzip on the way' : 'sent as stored']),
        ),
      );
    }
  }
  return lines.join('\n');
}
