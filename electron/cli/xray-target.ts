// What the file commands (files, diff, waste, cat) look at: a registry reference or an image archive on disk, its
// layers indexed through the layer-index cache.
import { stat } from 'node:fs/promises';
import { LayerIndexCache } from '../core/xray/index-cache.js';
import { indexImage, type IndexedImage } from '../core/xray/index-image.js';
import { archiveImageSource, registryImageSource } from '../core/xray/image-source.js';
import { parseReference } from '../core/reference.js';
import { openClient, type GlobalOptions } from './context.js';
import { explainDefaultTag } from './default-tag.js';

export interface XrayOptions extends GlobalOptions {
  readonly platform?: string;
  readonly image?: number;
}

export interface LoadedImage {
  readonly image: IndexedImage;
  close(): Promise<void>;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function loadImage(target: string, options: XrayOptions, signal: AbortSignal): Promise<LoadedImage> {
  const cache = options.noCache ? undefined : new LayerIndexCache(options.cacheDir);
  // On this thread: a command has no UI to keep responsive, and a worker's JavaScript heap and the copies of every
  // chunk into it cost memory and CPU (decompression still runs on libuv's pool, one layer per core).
  const common = { signal, inWorker: false, ...(cache ? { cache } : {}), ...(options.jobs ? { concurrency: options.jobs } : {}) };
  if (await isFile(target)) {
    const source = await archiveImageSource(target, { signal, ...(options.platform ? { platform: options.platform } : {}), ...(options.image !== undefined ? { image: options.image } : {}) });
    return { image: await indexImage(source, common), close: () => Promise.resolve() };
  }
  const ref = parseReference(target);
  const client = await openClient(ref.registry, options);
  try {
    const source = await explainDefaultTag(ref, () => registryImageSource(client, ref, options.platform, signal));
    return { image: await indexImage(source, common), close: () => client.close() };
  } catch (error) {
    await client.close();
    throw error;
  }
}
