// `stevedore copy SRC DST`: an image (or, with --all-tags, a repository) from one registry to another, or within one.
import { randomUUID } from 'node:crypto';
import type { PushEvent } from '../../../shared/push.js';
import { copyAllTags } from '../../core/copy/copy-tags.js';
import { DEFAULT_COPY_SETTINGS, copyImage, type CopyEndpoints, type CopyResult, type CopySettings } from '../../core/copy/copy-image.js';
import { parsePlatform } from '../../core/copy/platform.js';
import { formatReference } from '../../core/reference.js';
import { openClient, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import type { TransferOptions } from '../transfer-options.js';
import { pushDisplay } from '../push-display.js';
import { parseSize } from '../../core/size.js';
import { parseUserReference } from '../user-reference.js';

export interface CopyOptions extends GlobalOptions, TransferOptions {
  readonly chunkSize?: string;
}

/** Each side's own credentials when given (`--src-creds`, `--dest-creds`), else the shared ones. */
export async function openEndpoints(source: string, target: string, options: CopyOptions): Promise<CopyEndpoints> {
  const sideOptions = (creds: string | undefined): GlobalOptions => (creds === undefined ? options : { ...options, creds });
  const sourceClient = await openClient(source, sideOptions(options.srcCreds));
  if (source === target && options.srcCreds === options.destCreds) return { source: sourceClient, target: sourceClient };
  return { source: sourceClient, target: await openClient(target, sideOptions(options.destCreds)) };
}

export async function copyCommand(args: readonly string[], options: CopyOptions, out: Output, signal: AbortSignal): Promise<void> {
  if (args.length !== 2) out.usage('usage: stevedore copy <source> <destination> [--platform os/arch[/variant]] [--all-tags] [--referrers]');
  const [from, to] = args as [string, string];
  const source = parseUserReference(from);
  const target = parseUserReference(to);
  const platform = options.platform ? parsePlatform(options.platform) : undefined;
  const settings: CopySettings = {
    ...DEFAULT_COPY_SETTINGS,
    jobs: options.jobs ?? DEFAULT_COPY_SETTINGS.jobs,
    ...(options.chunkSize ? { chunkSize: parseSize(options.chunkSize) } : {}),
  };
  const display = pushDisplay(process.stderr, false, { active: 'Copying', done: 'Copied', transfer: 'transfer', kind: 'copy' });
  const emit = options.json ? (event: PushEvent) => out.line(JSON.stringify(event)) : display.onEvent;
  const endpoints = await openEndpoints(source.registry, target.registry, options);
  const common = { ...(platform ? { platform } : {}), referrers: options.referrers, emit, signal };
  try {
    const results: CopyResult[] = options.allTags
      ? await copyAllTags({ ...common, jobId: () => randomUUID(), source, target }, endpoints, settings)
      : [await copyImage({ ...common, jobId: randomUUID(), source, target }, endpoints, settings)];
    if (!options.json) for (const r of results) out.line(`${r.target}@${r.digest}`);
    // A repository without tags copies nothing: said, as tags says it, so an empty run is told from a failed one.
    if (options.allTags && results.length === 0) out.note(`no tags in ${formatReference({ registry: source.registry, repository: source.repository })}: nothing copied`);
  } finally {
    await endpoints.source.close();
    if (endpoints.target !== endpoints.source) await endpoints.target.close();
  }
}
