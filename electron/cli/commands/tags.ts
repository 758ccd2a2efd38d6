// `stevedore tags <repository>`: tag names, or with --long each tag's digest, size, created date and platforms.
import { tagSummaries } from '../../core/image/summary.js';
import { parseReference } from '../../core/reference.js';
import { SIZE_JOBS, openClient, type GlobalOptions } from '../context.js';
import { formatBytes, formatRelative, shortDigest, table } from '../format.js';
import type { Output } from '../output.js';

export async function tagsCommand(args: readonly string[], options: GlobalOptions & { long: boolean; pageSize?: number }, out: Output, signal: AbortSignal): Promise<void> {
  const ref = parseReference(out.requireOne(args, 'tags <repository>'));
  const client = await openClient(ref.registry, options);
  try {
    const tags = await client.listTags(ref.repository, { signal, ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
    if (!options.long) {
      if (options.json) out.json(tags);
      else if (tags.length > 0) out.line(tags.join('\n'));
      return;
    }
    const summaries = await tagSummaries(client, ref.repository, tags, { signal, concurrency: options.jobs ?? SIZE_JOBS });
    if (options.json) {
      out.json(summaries);
      return;
    }
    const rows = summaries.map((s) => {
      if ('error' in s) return [s.tag, '-', '-', '-', `error: ${s.error.message}`];
      const platforms = s.summary.platforms.filter((p) => !p.isAttestation).map((p) => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/'));
      return [s.tag, shortDigest(s.summary.digest), formatBytes(s.summary.totalSize), formatRelative(s.summary.created), platforms.join(', ')];
    });
    out.line(table(['TAG', 'DIGEST', 'SIZE', 'CREATED', 'PLATFORMS'], rows));
  } finally {
    await client.close();
  }
}
