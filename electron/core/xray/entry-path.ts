// Paths inside a layer, normalised and bounded: layers are untrusted, and a path is only ever a key here (nothing is
// written to disk), so a leading `/` or `./` is dropped while `..` and NUL bytes are refused.
import { layerInvalid } from './tar-framer.js';

export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;

type Problem = 'nul' | 'long-path' | 'dot-dot' | 'long-name' | 'not-normal';

// UTF-8 spends at most 3 bytes per UTF-16 unit, so a text this short is within the bound without counting its bytes.
const fits = (text: string, start: number, end: number, limit: number): boolean =>
  end - start <= limit / 3 || Buffer.byteLength(start === 0 && end === text.length ? text : text.slice(start, end)) <= limit;

/**
 * The first rule `raw` breaks, in one pass and without allocating: a NUL, too many bytes, a `..` name, a name too long;
 * else 'not-normal' when it holds what layerPath drops (a leading `/`, an empty or `.` name).
 */
function problemOf(raw: string): Problem | undefined {
  if (raw.includes('\0')) return 'nul';
  if (!fits(raw, 0, raw.length, MAX_PATH_BYTES)) return 'long-path';
  let dropped = false;
  for (let start = 0; start <= raw.length; ) {
    let end = raw.indexOf('/', start);
    if (end < 0) end = raw.length;
    const dot = raw.charCodeAt(start) === 0x2e;
    if (end === start || (end === start + 1 && dot)) dropped = true;
    else if (end === start + 2 && dot && raw.charCodeAt(start + 1) === 0x2e) return 'dot-dot';
    else if (!fits(raw, start, end, MAX_NAME_BYTES)) return 'long-name';
    start = end + 1;
  }
  return dropped ? 'not-normal' : undefined;
}

/** The normalised path, or '' for the layer's root directory. */
export function layerPath(raw: string): string {
  const problem = problemOf(raw);
  if (problem === undefined) return raw;
  if (problem === 'nul') throw layerInvalid(`entry "${raw.replace(/\0/g, '\\0')}": name contains a NUL byte`);
  if (problem === 'long-path') throw layerInvalid(`entry "${raw.slice(0, 80)}…": path longer than ${MAX_PATH_BYTES} bytes`);
  if (problem === 'dot-dot') throw layerInvalid(`entry "${raw}": path contains ".."`);
  if (problem === 'long-name') throw layerInvalid(`entry "${raw.slice(0, 80)}…": a name longer than ${MAX_NAME_BYTES} bytes`);
  return raw
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}

/**
 * Whether `path` is already what layerPath makes of an entry name: the rule any path read back from a file of our own
 * must meet too, since anyone with the user's rights can edit that file. The root ('') only when `mayBeRoot`.
 */
export function isLayerPath(path: string, mayBeRoot = false): boolean {
  if (typeof path !== 'string') return false;
  return path === '' ? mayBeRoot : problemOf(path) === undefined;
}

/** A symlink target as the indexer keeps it: written as the layer has it, but without NUL and bounded. */
export function isSymlinkTarget(link: string): boolean {
  return typeof link === 'string' && !link.includes('\0') && fits(link, 0, link.length, MAX_PATH_BYTES);
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
