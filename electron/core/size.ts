// Sizes as people write them (`--chunk-size 8M`, `STEVEDORE_MAX_UPLOAD=20G`). Its own module so that `copy` and the web
// host do not load the push engine for it.
import { StevedoreError } from './errors.js';

export function parseSize(value: string): number {
  const match = /^(\d+)\s*([kmg]?)i?b?$/i.exec(value.trim());
  if (!match) throw new StevedoreError('CONFIG', `"${value}" is not a size (e.g. 8M, 512k)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}
