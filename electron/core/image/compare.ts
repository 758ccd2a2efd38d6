// Compares the layers of two or more images: shared and unique bytes per image, and what pulling one after another
// costs. The image totals and pull costs count each image's config too, as the tag list and a pull do; the layer
// rows are layers only. Pure: works on summaries already fetched.
import type { ComparedImage, ComparedLayer, LayerComparison } from '../../../shared/compare.js';
import type { PlatformImage } from '../../../shared/image.js';

export interface CompareInput {
  readonly label: string;
  readonly image: PlatformImage;
  /** The command that made each layer, when the config says. */
  readonly commands?: readonly string[];
}

export function compareLayers(inputs: readonly CompareInput[]): LayerComparison {
  const rows = new Map<string, { size: number; createdBy?: string }>();
  for (const input of inputs) {
    input.image.layers.forEach((layer, i) => {
      if (!rows.has(layer.digest)) rows.set(layer.digest, { size: layer.size, ...(input.commands?.[i] ? { createdBy: input.commands[i] } : {}) });
    });
  }
  const layerSets = inputs.map((input) => new Set(input.image.layers.map((l) => l.digest)));
  const layers: ComparedLayer[] = [...rows.entries()].map(([digest, row]) => ({ digest, size: row.size, presentIn: layerSets.map((s) => s.has(digest)), ...(row.createdBy ? { createdBy: row.createdBy } : {}) }));
  // Every blob a pull fetches: the layers and the config (its size is what the manifest counts beyond the layers).
  const blobSize = new Map<string, number>();
  for (const [digest, row] of rows) blobSize.set(digest, row.size);
  for (const { image } of inputs) {
    const configSize = image.size - image.layers.reduce((sum, l) => sum + l.size, 0);
    if (configSize > 0 && !blobSize.has(image.configDigest)) blobSize.set(image.configDigest, configSize);
  }
  const sets = inputs.map(({ image }, i) => (blobSize.has(image.configDigest) ? new Set([...(layerSets[i] ?? []), image.configDigest]) : (layerSets[i] ?? new Set<string>())));
  const images: ComparedImage[] = inputs.map((input, i) => {
    let shared = 0;
    let unique = 0;
    for (const digest of sets[i] ?? []) {
      const size = blobSize.get(digest) ?? 0;
      if (sets.some((other, j) => j !== i && other.has(digest))) shared += size;
      else unique += size;
    }
    return { label: input.label, digest: input.image.digest, totalSize: shared + unique, sharedBytes: shared, uniqueBytes: unique };
  });
  const pull = inputs.map((_, a) => inputs.map((__, b) => [...(sets[b] ?? [])].filter((d) => !sets[a]?.has(d)).reduce((sum, d) => sum + (blobSize.get(d) ?? 0), 0)));
  return { images, layers, pull };
}
