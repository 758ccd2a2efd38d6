// What the file commands (files, diff, waste, cat) look at: a registry reference or an image archive on disk, its
// layers indexed through the layer-index cache.
import { LayerIndexCache } from '../core/xray/index-cache.js';
import { indexImage, type IndexImageOptions, type IndexedImage } from '../core/xray/index-image.js';
import { archiveImageSource, registryImageSource, type XrayImageSource } from '../core/xray/image-source.js';
import { mergedImage, type MergedImage } from '../core/xray/merged-image.js';
import { namedArchiveSource, namingArchiveErrors } from './archive-name.js';
import { openClient, type GlobalOptions } from './context.js';
import { explainDefaultTag } from './default-tag.js';
import { isArchiveFile } from './local-path.js';
import { parseUserReference } from './user-reference.js';

export interface XrayOptions extends GlobalOptions {
  readonly platform?: string;
  readonly image?: number;
}

export interface LoadedImage {
  readonly image: IndexedImage;
  close(): Promise<void>;
}

interface OpenedTarget {
  readonly source: XrayImageSource;
  readonly options: IndexImageOptions;
  close(): Promise<void>;
}

async function openTarget(target: string, options: XrayOptions, signal: AbortSignal): Promise<OpenedTarget> {
  const cache = options.noCache ? undefined : new LayerIndexCache(options.cacheDir);
  // On this thread: a command has no UI to keep responsive, and a worker's JavaScript heap and the copies of every
  // chunk into it cost memory and CPU (decompression still runs on libuv's pool, one layer per core).
  const common: IndexImageOptions = { signal, inWorker: false, ...(cache ? { cache } : {}), ...(options.jobs ? { concurrency: options.jobs } : {}) };
  // A path-like argument that names nothing (image.tar mistyped) is a missing archive, never a Docker Hub lookup.
  if (await isArchiveFile(target)) {
    const source = await namingArchiveErrors(target, () => archiveImageSource(target, { signal, ...(options.platform ? { platform: options.platform } : {}), ...(options.image !== undefined ? { image: options.image } : {}) }));
    return { source: namedArchiveSource(target, source), options: common, close: () => Promise.resolve() };
  }
  const ref = parseUserReference(target);
  const client = await openClient(ref.registry, options);
  try {
    const source = await explainDefaultTag(ref, () => registryImageSource(client, ref, options.platform, signal));
    return { source, options: common, close: () => client.close() };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The image with every layer's index. */
export async function loadImage(target: string, options: XrayOptions, signal: AbortSignal): Promise<LoadedImage> {
  const opened = await openTarget(target, options, signal);
  try {
    return { image: await indexImage(opened.source, opened.options), close: opened.close };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** The image's merged filesystem: one cache file when it was seen before, else from every layer's index. */
export async function loadMergedImage(target: string, options: XrayOptions, signal: AbortSignal): Promise<{ readonly image: MergedImage; close(): Promise<void> }> {
  const opened = await openTarget(target, options, signal);
  try {
    return { image: await mergedImage(opened.source, opened.options), close: opened.close };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
