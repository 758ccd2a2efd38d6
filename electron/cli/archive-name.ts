// An archive named on the command line: whatever the engine finds wrong with it, wherever it finds it (opening it,
// reading a layer in the middle of a push), the message names the file as the user typed it, not "archive".
import { namingArchive } from '../core/archive/tar-entry.js';
import type { XrayImageSource } from '../core/xray/image-source.js';

/** Runs `work` on the archive at `path`; its archive errors come out named after `path`. */
export async function namingArchiveErrors<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw namingArchive(path, error);
  }
}

/** An archive's image source whose later reads (a layer indexed, a file read by cat) name the file too. */
export function namedArchiveSource(path: string, source: XrayImageSource): XrayImageSource {
  return { ...source, readLayers: (indices, onLayer, options) => namingArchiveErrors(path, () => source.readLayers(indices, onLayer, options)) };
}
