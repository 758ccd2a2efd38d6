// What an entry of a layer index may be: exactly what the indexer (index-layer.ts entryOf) can produce. An index read
// back from disk is checked against this, so a cache file edited and resealed by anyone cannot bring in a path the
// indexer would have refused (`..`, NUL, a leading `/`).
import type { EntryKind, LayerEntry } from '../../../shared/xray.js';
import { isLayerPath, isSymlinkTarget } from './entry-path.js';

const KINDS: ReadonlySet<EntryKind> = new Set<EntryKind>(['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo', 'other']);
const SHA256_HEX = /^[a-f0-9]{64}$/;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Whether `entry` is one the indexer could have made from a layer (only regular files have bytes and a sha256). */
export function isIndexedEntry(entry: LayerEntry): boolean {
  const { path, kind, size, mode, uid, gid, link, sha256 } = entry;
  if (!KINDS.has(kind) || !isLayerPath(path)) return false;
  if (!isCount(uid) || !isCount(gid) || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) return false;
  if (kind === 'file' ? !isCount(size) : size !== 0) return false;
  if (sha256 !== undefined && (kind !== 'file' || !SHA256_HEX.test(sha256))) return false;
  if (kind === 'hardlink') return link !== undefined && isLayerPath(link, true);
  if (kind === 'symlink') return link !== undefined && isSymlinkTarget(link);
  return link === undefined;
}
