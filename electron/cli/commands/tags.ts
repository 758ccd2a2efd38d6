// `stevedore tags <repository>`: tag names in version order, or with --long each tag's digest, size, created date
// and platforms; --sort created|size orders by what the summaries say (newest, largest first).
import { sortTagNames } from '../../../shared/tag-order.js';
import { tagSummaries, type TagSummary } from '../../core/image/summary.js';
import { formatReference } from '../../core/reference.js';
import { SIZE_JOBS, openClient, type GlobalOptions } from '../context.js';
import { formatBytes, formatRelative, shortDigest, table } from '../format.js';
import type { Output } from '../output.js';
import { parseUserReference } from '../user-reference.js';

export type TagSort = 'name' | 'created' | 'size';

export async function tagsCommand(args: readonly string[], options: GlobalOptions & { long: boolean; sort?: TagSort; pageSize?: number }, out: Output, signal: AbortSignal): Promise<void> {
  const target = out.requireOne(args, 'tags <repository>');
  const ref = parseUserReference(target);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    out.usage(`tags takes a repository, not an image: try stevedore tags ${formatReference({ registry: ref.registry, repository: ref.repository })}`);
  }
  const sort = options.sort ?? 'name';
  const client = await openClient(ref.registry, options);
  try {
    const tags = sortTagNames(await client.listTags(ref.repository, { signal, ...(options.pageSize ? { pageSize: options.pageSize } : {}) }));
    if (tags.length === 0) {
      if (options.json) out.json([]);
      else out.note(`no tags in ${formatReference({ registry: ref.registry, repository: ref.repository })}`);
      return;
    }
    if (!options.long && sort === 'name') {
      if (options.json) out.json(tags);
      else out.line(tags.join('\n'));
      return;
    }
    const rows = sortRows(await tagSummaries(client, ref.repository, tags, { signal, concurrency: options.jobs ?? SIZE_JOBS }), sort);
    if (!options.long) {
      if (options.json) out.json(rows.map((r) => r.tag));
      else out.line(rows.map((r) => r.tag).join('\n'));
      return;
    }
    if (options.json) {
      out.json(rows);
      return;
    }
    const lines = rows.map((s) => {
      if ('error' in s) return [s.tag, '-', '-', '-', `error: ${s.error.message}`];
      const platforms = s.summary.platforms.filter((p) => !p.isAttestation).map((p) => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/'));
      return [s.tag, shortDigest(s.summary.digest), formatBytes(s.summary.totalSize), formatRelative(s.summary.created), platforms.join(', ')];
    });
    out.line(table(['TAG', 'DIGEST', 'SIZE', 'CREATED', 'PLATFORMS'], lines));
  } finally {
    await client.close();
  }
}

/** Rows in `sort` order; rows already in name order stay so among equals, and tags that failed go last. */
export function sortRows(rows: readonly TagSummary[], sort: TagSort): TagSummary[] {
  if (sort === 'name') return [...rows];
  const value = (row: TagSummary): number => {
    if ('error' in row) return Number.NEGATIVE_INFINITY;
    return sort === 'size' ? row.summary.totalSize : Date.parse(row.summary.created ?? '') || 0;
  };
  return rows
    .map((row, index) => ({ row, index, value: value(row) }))
    .sort((a, b) => (b.value === a.value ? a.index - b.index : b.value > a.value ? 1 : -1))
    .map((entry) => entry.row);
}
