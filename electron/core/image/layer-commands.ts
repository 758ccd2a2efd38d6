// Which history entry made which layer: history lists empty-layer steps (ENV, CMD) too, which made no layer.
import type { ImageConfig } from '../../../shared/image.js';

export function layerCommands(config: ImageConfig | undefined, layerCount: number): string[] {
  if (!config) return [];
  const made = config.history.filter((h) => !h.emptyLayer);
  if (made.length !== layerCount) return [];
  return made.map((h) => (h.createdBy ?? '').replace(/^\/bin\/sh -c (#\(nop\) )?/, '').replace(/\s+/g, ' ').slice(0, 80));
}
