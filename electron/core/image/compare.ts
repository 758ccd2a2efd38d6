// Compares the layers of two or more images: shared and unique bytes per image, and what pulling one after another
// costs. Pure: works on summaries already fetched.
import type { ComparedImage, ComparedLayer, LayerComparison } from '../../../shared/compare.js';
import type { PlatformImage } from '../../../shared/image.js';

export interface CompareInput {
  readonly label: string;
  readonly image: PlatformImage;
  /** The command that made each layer, when the config says. */
  readonly commands?: readonly string[];
}

export function compareLayers(inputs: readonly CompareInput[]): LayerComparison {
  const sets = inputs.map((input) => new Set(input.image.layers.map((l) => l.digest)));
  const rows = new Map<string, { size: number; createdBy?: string }>();
  for (const input of inputs) {
    input.image.layers.forEach((layer, i) => {
      if (!rows.has(layer.digest)) rows.set(layer.digest, { size: layer.size, ...(input.commands?.[i] ? { createdBy: input.commands[i] } : {}) });
    });
  }
  const layers: ComparedLayer[] = [...rows.entries()].map(([digest, row]) => ({ digest, size: row.size, presentIn: sets.map((s) => s.has(digest)), ...(row.createdBy ? { createdBy: row.createdBy } : {}) }));
  const images: ComparedImage[] = inputs.map((input, i) => {
    let shared = 0;
    let unique = 0;
    for (const digest of sets[i] ?? []) {
      const size = rows.get(digest)?.size ?? 0;
      if (sets.some((other, j) => j !== i && other.has(digest))) shared += size;
      else unique += size;
    }
    return { label: input.label, digest: input.image.digest, totalSize: shared + unique, sharedBytes: shared, uniqueBytes: unique };
  });
  const pull = inputs.map((_, a) => inputs.map((__, b) => [...(sets[b] ?? [])].filter((d) => !sets[a]?.has(d)).reduce((sum, d) => sum + (rows.get(d)?.size ?? 0), 0)));
  return { images, layers, pull };
}
