// Paths inside a layer, normalised and bounded: layers are untrusted, and a path is only ever a key here (nothing is
// written to disk), so a leading `/` or `./` is dropped while `..` and NUL bytes are refused.
import { layerInvalid } from './tar-framer.js';

export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;

/** The normalised path, or '' for the layer's root directory. */
export function layerPath(raw: string): string {
  if (raw.includes('\0')) throw layerInvalid(`entry "${raw.replace(/\0/g, '\\0')}": name contains a NUL byte`);
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) throw layerInvalid(`entry "${raw.slice(0, 80)}…": path longer than ${MAX_PATH_BYTES} bytes`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  for (const part of parts) {
    if (part === '..') throw layerInvalid(`entry "${raw}": path contains ".."`);
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) throw layerInvalid(`entry "${raw.slice(0, 80)}…": a name longer than ${MAX_NAME_BYTES} bytes`);
  }
  return parts.join('/');
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
