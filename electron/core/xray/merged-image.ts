// An image's merged filesystem (what `stevedore files` and the Files tab show), from the cache when these layers, in
// this order, were merged before: one file read instead of every layer's index and the merge. Otherwise every layer
// is indexed (from the cache or its source), merged, and the result stored for the next time.
import type { XrayLayerSummary } from '../../../shared/xray.js';
import { indexImage, type IndexImageOptions } from './index-image.js';
import type { XrayImageSource } from './image-source.js';
import { mergedKey, type MergedLayer, type MergedListing } from './merged-codec.js';
import { mergedView } from './views.js';

export interface MergedImage extends MergedListing {
  readonly name: string;
  readonly source: XrayImageSource;
  readonly layers: readonly XrayLayerSummary[];
  /** Layers that came from the cache (all of them when the merged view did). */
  readonly cached: number;
}

/** True when the stored layers are the source's: same keys in the same order, the DiffIDs the config gives. */
function sameLayers(stored: readonly MergedLayer[], source: XrayImageSource): boolean {
  return stored.length === source.layers.length && source.layers.every((l, i) => stored[i]?.digest === l.key && (!l.diffId || stored[i]?.diffId === l.diffId));
}

function summaries(layers: readonly MergedLayer[], source: XrayImageSource): XrayLayerSummary[] {
  return layers.map((l, i) => ({ digest: l.digest, diffId: l.diffId, size: source.layers[i]?.size ?? 0, tarSize: l.tarSize, entries: l.entries }));
}

export async function mergedImage(source: XrayImageSource, options: IndexImageOptions = {}): Promise<MergedImage> {
  const key = mergedKey(source.layers);
  const stored = await options.cache?.getMerged(key);
  if (stored && sameLayers(stored.layers, source)) {
    // What indexing would have counted: each distinct layer once, every one a hit.
    const cached = new Set(source.layers.map((l) => l.key)).size;
    return { name: source.name, source, layers: summaries(stored.layers, source), files: stored.files, totals: stored.totals, cached };
  }
  const image = await indexImage(source, options);
  const { files, totals } = mergedView(image.layers);
  const layers = image.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, tarSize: l.tarSize, entries: l.entries.length }));
  await options.cache?.putMerged(key, { files, totals, layers });
  return { name: image.name, source, layers: summaries(layers, source), files, totals, cached: image.cached };
}
