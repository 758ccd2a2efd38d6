// xray:* handlers: an image's files, one layer's changes, wasted space, a file diff and opening a file, for images in
// a registry or in an archive. Indexed images are kept for a few requests (the views of one image come together);
// layer indexes live in the disk cache, so a cold start costs no download for a layer seen before.
import type { ParsedArgs } from '../../shared/contract.js';
import type { XrayDiffView, XrayFilesView } from '../../shared/xray.js';
import { StevedoreError } from '../core/errors.js';
import { fileDiff } from '../core/xray/file-diff.js';
import { LayerIndexCache } from '../core/xray/index-cache.js';
import { indexImage, type IndexedImage } from '../core/xray/index-image.js';
import { archiveImageSource, platformName, registryImageSource, type XrayImageSource } from '../core/xray/image-source.js';
import { openFile } from '../core/xray/open-file.js';
import { layerChanges, mergedView } from '../core/xray/views.js';
import { wasteReport } from '../core/xray/waste.js';
import type { Handlers, HostContext } from './host-context.js';

type XrayHandlers = Pick<Handlers, 'xray:files' | 'xray:layer' | 'xray:waste' | 'xray:diff' | 'xray:open' | 'xray:cancel'>;
type Target = ParsedArgs<'xray:files'>['target'];

const KEPT_IMAGES = 4;
const MAX_DIFF_ITEMS = 10_000;

function targetName(target: Target): string {
  const platform = target.platform ? ` (${target.platform})` : '';
  return 'path' in target ? `${target.path}#${target.imageId}${platform}` : `${target.registryId}/${target.repository}@${target.reference}${platform}`;
}

export function xrayHandlers(context: HostContext): XrayHandlers {
  const cache = new LayerIndexCache(context.deps.cacheDir);
  const kept = new Map<string, Promise<IndexedImage>>();
  /** Loads in progress, by target, so that xray:cancel can stop their downloads. */
  const running = new Map<string, AbortController>();

  const source = async (target: Target, signal: AbortSignal): Promise<XrayImageSource> => {
    if ('path' in target) return archiveImageSource(target.path, { image: target.imageId, signal, ...(target.platform ? { platform: target.platform } : {}) });
    const client = await context.clients.for(await context.deps.profiles.get(target.registryId));
    const ref = { registry: client.registry, repository: target.repository, ...(target.reference.includes(':') ? { digest: target.reference } : { tag: target.reference }) };
    return registryImageSource(client, ref, target.platform, signal);
  };

  const load = (target: Target): Promise<IndexedImage> => {
    const name = targetName(target);
    // A tag can move: registry images by tag are indexed again per request (their layers come from the disk cache).
    const byDigest = 'path' in target || target.reference.includes(':');
    const known = byDigest ? kept.get(name) : undefined;
    if (known) return known;
    const controller = new AbortController();
    running.set(name, controller);
    const { signal } = controller;
    const loading = source(target, signal).then((s) => indexImage(s, { cache, signal, onProgress: (p) => context.deps.emit('xray:progress', { target: name, ...p }) }));
    kept.set(name, loading);
    loading.catch(() => kept.delete(name)).finally(() => {
      if (running.get(name) === controller) running.delete(name);
    });
    if (kept.size > KEPT_IMAGES) kept.delete(kept.keys().next().value as string);
    return loading;
  };

  return {
    'xray:files': async ({ target }) => {
      const image = await load(target);
      // The layer picker names each layer's changes: counted in the same merge, not a second one.
      const view = mergedView(image.layers, { countChanges: true });
      const counts = view.changeCounts ?? [];
      const result: XrayFilesView = {
        name: image.name,
        platform: platformName(image.source.platform),
        layers: image.layers.map((l, i) => ({ digest: l.digest, diffId: l.diffId, size: image.source.layers[i]?.size ?? 0, tarSize: l.tarSize, entries: l.entries.length, ...(counts[i] ? { changes: counts[i] } : {}) })),
        files: view.files.map((f) => (f.kind === 'dir' ? { ...f, bytes: view.totals.get(f.path) ?? 0 } : f)),
        totalBytes: view.totals.get('') ?? 0,
        cached: image.cached,
      };
      return result;
    },
    'xray:layer': async ({ target, layer }) => {
      const image = await load(target);
      const changes = layerChanges(image.layers)[layer];
      if (!changes) throw new StevedoreError('INVALID_ARGUMENT', `the image has ${image.layers.length} layers, not a layer ${layer + 1}`);
      return changes;
    },
    'xray:waste': async ({ target }) => wasteReport((await load(target)).layers),
    'xray:diff': async ({ from, to }) => {
      const [before, after] = await Promise.all([load(from), load(to)]);
      const diff = fileDiff(mergedView(before.layers), mergedView(after.layers));
      const view: XrayDiffView = { ...diff, from: before.name, to: after.name, items: diff.items.slice(0, MAX_DIFF_ITEMS), more: Math.max(0, diff.items.length - MAX_DIFF_ITEMS) };
      return view;
    },
    'xray:open': async ({ target, path }) => openFile(await load(target), path),
    'xray:cancel': async ({ target }) => {
      const controller = running.get(targetName(target));
      controller?.abort(new StevedoreError('CANCELLED', 'cancelled'));
      return { cancelled: controller !== undefined };
    },
  };
}
