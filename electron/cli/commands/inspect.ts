// `stevedore inspect <reference>`: manifest, platforms, layers with sizes and the commands that made them.
import { layerBytes, type PlatformImage } from '../../../shared/image.js';
import { layerCommands } from '../../core/image/layer-commands.js';
import { imageSummary, type ImageDetails } from '../../core/image/summary.js';
import { formatReference } from '../../core/reference.js';
import { SIZE_JOBS, openClient, type GlobalOptions } from '../context.js';
import { formatBytes, formatCount, formatRelative, shortDigest, table } from '../format.js';
import { oneLine } from '../terminal-text.js';
import type { Output } from '../output.js';
import { explainDefaultTag, withDefaultTag } from '../default-tag.js';
import { isArchiveFile } from '../local-path.js';
import { inspectArchiveCommand } from './inspect-archive.js';
import { parseUserReference } from '../user-reference.js';

export async function inspectCommand(args: readonly string[], options: GlobalOptions, out: Output, signal: AbortSignal): Promise<void> {
  const target = out.requireOne(args, 'inspect <reference|archive>');
  if (await isArchiveFile(target)) {
    await inspectArchiveCommand(target, options.json, out, signal);
    return;
  }
  const ref = parseUserReference(target);
  const client = await openClient(ref.registry, options);
  try {
    const details = await explainDefaultTag(ref, () => imageSummary(client, ref, { signal, concurrency: options.jobs ?? SIZE_JOBS }));
    if (options.json) out.json(details);
    else out.line(renderImage(formatReference(withDefaultTag(ref)), details));
  } finally {
    await client.close();
  }
}

const platformName = (p: PlatformImage): string => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/');

export function renderImage(reference: string, image: ImageDetails): string {
  const images = image.platforms.filter((p) => !p.isAttestation);
  const lines = [
    table(
      ['', ''],
      [
        ['Reference', reference],
        ['Digest', image.digest],
        ['Media type', `${image.mediaType} (${image.kind === 'index' ? `index of ${images.length} platform${images.length === 1 ? '' : 's'}` : 'single platform'})`],
        ['Created', image.created ? `${image.created} (${formatRelative(image.created)})` : '-'],
        ['Total size', `${formatBytes(image.totalSize)} (${formatCount(image.totalSize)} bytes, compressed, shared layers counted once)`],
      ],
    )
      .split('\n')
      .slice(1)
      .join('\n'),
  ];
  if (image.kind === 'index') {
    lines.push('', table(['PLATFORM', 'DIGEST', 'LAYERS', 'SIZE', 'CREATED'], image.platforms.map((p) => [p.isAttestation ? 'attestation' : platformName(p), shortDigest(p.digest), String(p.layers.length), formatBytes(p.size), formatRelative(p.created)])));
  }
  for (const platform of images) {
    lines.push('', `Layers of ${oneLine(platformName(platform))} (${formatBytes(layerBytes(platform))}):`);
    const commands = layerCommands(platform.config, platform.layers.length);
    lines.push(table(['#', 'DIGEST', 'SIZE', 'CREATED BY'], platform.layers.map((l, i) => [String(i + 1), shortDigest(l.digest), formatBytes(l.size), commands[i] ?? ''])));
    const config = platform.config;
    if (config) {
      const entry = [...config.entrypoint, ...config.cmd].join(' ');
      if (entry) lines.push(`Runs: ${oneLine(entry)}`);
      const labels = Object.entries(config.labels);
      if (labels.length > 0) lines.push(`Labels: ${oneLine(labels.map(([k, v]) => `${k}=${v}`).join(', '))}`);
    }
  }
  return lines.join('\n');
}
