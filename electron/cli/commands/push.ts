// `stevedore push <archive> [<reference>]`: pushes the archive's images, to the tags stored in it or to a reference.
import { randomUUID } from 'node:crypto';
import type { ArchiveImage } from '../../../shared/archive.js';
import { inspectArchive } from '../../core/archive/inspect-archive.js';
import { defaultCacheDir } from '../../core/cache/content-cache.js';
import { StevedoreError } from '../../core/errors.js';
import { LayerCache } from '../../core/push/layer-cache.js';
import { DEFAULT_PUSH_SETTINGS, pushImage, type PushSettings } from '../../core/push/push-image.js';
import { DOCKER_HUB, formatReference, parseReference, type Reference } from '../../core/reference.js';
import type { RegistryClient } from '../../core/registry/client.js';
import { openGzipEngine } from '../../core/workers/gzip-engine.js';
import { namingArchiveErrors } from '../archive-name.js';
import { compressorLabel } from '../../../shared/transfer-summary.js';
import { openClient, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { pushDisplay } from '../push-display.js';
import { parseSize } from '../../core/size.js';
import { parseUserReference } from '../user-reference.js';

export interface PushOptions extends GlobalOptions {
  readonly image?: number;
  readonly all: boolean;
  readonly compression?: string;
  readonly chunkSize?: string;
  readonly level?: number;
}


export interface PushTarget {
  readonly image: ArchiveImage;
  readonly target: Reference;
  /** The archive's own name for it, when the target comes from there. */
  readonly stored?: string;
}

/** Which images go where: the archive's own names, or the reference given. */
export function pushTargets(images: readonly ArchiveImage[], reference: string | undefined, options: Pick<PushOptions, 'image' | 'all'>): PushTarget[] {
  let chosen = images;
  if (options.image !== undefined) {
    const image = images[options.image];
    if (!image) throw new StevedoreError('CONFIG', `the archive has no image ${options.image} (it holds ${images.length})`);
    chosen = [image];
  } else if (reference !== undefined && images.length > 1 && !options.all) {
    throw new StevedoreError('CONFIG', `the archive holds ${images.length} images: choose one with --image N (see stevedore inspect), or --all`);
  }
  const targets: PushTarget[] = [];
  for (const image of chosen) {
    if (reference !== undefined) {
      const ref = parseUserReference(reference);
      const storedTags = image.names.map(tagOf).filter((t): t is string => t !== undefined);
      const tags = ref.tag ? [ref.tag] : storedTags.length > 0 ? [...new Set(storedTags)] : ['latest'];
      for (const tag of tags) targets.push({ image, target: { registry: ref.registry, repository: ref.repository, tag } });
      continue;
    }
    if (image.names.length === 0) throw new StevedoreError('CONFIG', `image ${image.id} of the archive has no name: give a reference to push it to`);
    for (const name of image.names) {
      if (!name.includes('/') && !name.includes(':')) throw new StevedoreError('CONFIG', `the archive names image ${image.id} "${name}" without a repository: give a reference to push it to`);
      const ref = parseReference(name);
      targets.push({ image, target: { ...ref, tag: ref.tag ?? 'latest' }, stored: name });
    }
  }
  return targets;
}

function tagOf(name: string): string | undefined {
  try {
    return parseReference(name.includes('/') || name.includes(':') ? name : `x:${name}`).tag;
  } catch {
    return undefined;
  }
}

/**
 * `docker save` writes names such as `team/app:1`, which (as docker push reads them) mean Docker Hub: a user of a local
 * registry did not expect their push to go there (and, offline, saw only "cannot resolve registry-1.docker.io").
 * Every such name is said before the first push.
 */
export function hubNotice(path: string, { target, stored }: PushTarget): string | undefined {
  if (stored === undefined || target.registry !== DOCKER_HUB || /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//i.test(stored)) return undefined;
  // As written: alpine:3 suggests <registry>/alpine:3, not the library/alpine Docker Hub reads.
  const repository = stored.includes('/') ? target.repository : target.repository.replace(/^library\//, '');
  return `${stored}, the archive's own name, means Docker Hub: pushing to ${formatReference(target)}; to push elsewhere, give a reference: stevedore push ${path} <registry>/${repository}:${target.tag ?? 'latest'}`;
}

export async function pushCommand(args: readonly string[], options: PushOptions, out: Output, signal: AbortSignal): Promise<void> {
  if (args.length < 1 || args.length > 2) out.usage('usage: stevedore push <archive> [<reference>]');
  const [path, reference] = args as [string, string | undefined];
  const compression = options.compression ?? 'gzip';
  if (compression !== 'gzip' && compression !== 'keep') out.usage('--compression takes gzip or keep');
  const chunkSize = options.chunkSize ? parseSize(options.chunkSize) : undefined;
  if (chunkSize === 0) out.usage('--chunk-size takes a size of at least 1 byte (e.g. 4M)');
  const settings: PushSettings = {
    ...DEFAULT_PUSH_SETTINGS,
    jobs: options.jobs ?? DEFAULT_PUSH_SETTINGS.jobs,
    compression,
    ...(chunkSize !== undefined ? { chunkSize } : {}),
    ...(options.level !== undefined ? { level: options.level } : {}),
  };
  // Reading the archive and pushing it: a problem found in it at either step names the file given.
  await namingArchiveErrors(path, () => pushArchive(path, reference, settings, options, out, signal));
}

async function pushArchive(path: string, reference: string | undefined, settings: PushSettings, options: PushOptions, out: Output, signal: AbortSignal): Promise<void> {
  const archive = await inspectArchive(path, signal);
  const targets = pushTargets(archive.inspection.images, reference, options);
  if (!options.json) for (const planned of targets) {
    const notice = hubNotice(path, planned);
    if (notice) out.note(notice);
  }
  const gzip = openGzipEngine();
  const display = pushDisplay(process.stderr, options.json, { active: 'Pushing', done: 'Pushed', compressor: () => compressorLabel(gzip.name) });
  const layers = options.noCache ? undefined : new LayerCache(options.cacheDir ?? defaultCacheDir());
  const clients = new Map<string, RegistryClient>();
  try {
    const results: { target: string; digest: string }[] = [];
    for (const { image, target } of targets) {
      let client = clients.get(target.registry);
      if (!client) {
        client = await openClient(target.registry, options);
        clients.set(target.registry, client);
      }
      const emit = options.json ? (event: Parameters<typeof display.onEvent>[0]) => out.jsonLine(event) : display.onEvent;
      const digest = await pushImage({ jobId: randomUUID(), archive, image, target, emit, signal }, { client, gzip, ...(layers ? { layers } : {}) }, settings);
      results.push({ target: formatReference(target), digest });
    }
    if (!options.json) for (const r of results) out.line(`${r.target}@${r.digest}`);
  } finally {
    await gzip.close();
    for (const client of clients.values()) await client.close();
  }
}
