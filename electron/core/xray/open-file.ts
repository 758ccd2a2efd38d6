// Opens one file of an image: the layer holding its bytes is streamed up to that entry and no further, and the bytes
// are checked against the hash the (verified) layer index recorded. Text up to the limit is returned; anything else
// is described by its size and type only.
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { OpenedFile } from '../../../shared/xray.js';
import { StevedoreError } from '../errors.js';
import { decompressorFor, sniffCompression } from './decompress.js';
import { layerPath, parentOf } from './entry-path.js';
import type { IndexedImage } from './index-image.js';
import { entryOf, layerError } from './index-layer.js';
import { MergedFs, type FsNode } from './merged-fs.js';
import { TarFramer } from './tar-framer.js';
import { linkSignals } from '../linked-signal.js';

export const MAX_TEXT_BYTES = 1024 * 1024;
const MAX_LINK_HOPS = 40;

export function mergedFs(image: IndexedImage, upTo = image.layers.length): MergedFs {
  const fs = new MergedFs();
  image.layers.slice(0, upTo).forEach((layer, i) => fs.apply(i, layer.entries));
  return fs;
}

/** Follows symlinks through the merged filesystem (absolute targets from the image's root). */
export function resolvePath(fs: MergedFs, path: string): { path: string; node: FsNode } {
  let current = layerPath(path);
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    const node = fs.get(current);
    if (!node) throw new StevedoreError('NOT_FOUND', `no such file in the image: /${current}`);
    if (node.kind !== 'symlink') return { path: current, node };
    const target = node.link ?? '';
    const joined = target.startsWith('/') ? target : `${parentOf(current)}/${target}`;
    // `..` in a link target climbs toward the root and stops there, as it does inside a container.
    const parts: string[] = [];
    for (const part of joined.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '' && part !== '.') parts.push(part);
    }
    current = parts.join('/');
  }
  throw new StevedoreError('NOT_FOUND', `/${path}: too many levels of symbolic links`);
}

export function looksBinary(bytes: Buffer): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

export async function openFile(image: IndexedImage, path: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<OpenedFile> {
  const limit = options.maxBytes ?? MAX_TEXT_BYTES;
  const fs = mergedFs(image);
  const { path: resolved, node } = resolvePath(fs, path);
  if (node.kind !== 'file' && node.kind !== 'hardlink') throw new StevedoreError('INVALID_ARGUMENT', `/${resolved} is a ${node.kind === 'dir' ? 'directory' : node.kind}, not a file`);
  const origin = node.origin;
  if (!origin) throw new StevedoreError('NOT_FOUND', `/${resolved} is a hard link to a file that is not in the image`);
  const layer = image.layers[origin.layer];
  const described = { path: resolved, layer: origin.layer, layerDigest: layer?.digest ?? '', size: node.size, ...(node.sha256 ? { sha256: node.sha256 } : {}) };
  if (node.size > limit) return { ...described, binary: false };
  const bytes = await readEntry(image, origin.layer, origin.ordinal, node.size, options.signal, `/${resolved}`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (node.sha256 !== undefined && actual !== node.sha256) throw new StevedoreError('DIGEST_MISMATCH', `/${resolved} in layer ${origin.layer + 1}: its bytes hash to ${actual}, not the indexed ${node.sha256}`);
  const binary = looksBinary(bytes);
  return { ...described, binary, ...(binary ? {} : { text: bytes.toString('utf8') }) };
}

/**
 * The bytes of the entry at `ordinal` of a layer: the blob is read up to it and the rest is never downloaded. At most
 * `size` bytes (what the index recorded, already checked against the text limit) are held: a layer whose entry is
 * bigger than its index says is refused before its bytes are read.
 */
async function readEntry(image: IndexedImage, layer: number, ordinal: number, size: number, signal?: AbortSignal, what = `entry ${ordinal + 1}`): Promise<Buffer> {
  let result: Buffer | undefined;
  const stop = new AbortController();
  // Linked, not AbortSignal.any: the caller's signal may outlive many reads (a web host socket).
  const combined = linkSignals([signal, stop.signal]);
  try {
    await image.source.readLayers(
      [layer],
      async (_i, blob) => {
        const { compression, stream } = await sniffCompression(blob);
        const decompressor = decompressorFor(compression);
        const tar = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
        const framer = new TarFramer();
        const fail = (error: Error): void => void framer.destroy(error);
        tar.on('error', fail);
        let seen = 0;
        tar.on('entry', (header, entry, next) => {
          // A failure ends the whole pipeline, which reports it; the entry torn down with it has nothing to add.
          entry.on('error', () => undefined);
          let at = -1;
          try {
            if (entryOf(header, 0, undefined)) at = seen++;
          } catch (error) {
            fail(error as Error);
            return;
          }
          if (at !== ordinal) {
            entry.on('end', () => next());
            entry.resume();
            return;
          }
          const tooLarge = (bytes: number): StevedoreError =>
            new StevedoreError('TOO_LARGE', `${what} in layer ${layer + 1} is bigger (${bytes} bytes) than the layer's index says (${size}): refused, the layer is not the one indexed`);
          if (!Number.isSafeInteger(header.size) || (header.size as number) > size) {
            fail(tooLarge(header.size ?? 0));
            return;
          }
          const chunks: Buffer[] = [];
          let held = 0;
          entry.on('data', (chunk: unknown) => {
            held += (chunk as Buffer).length;
            if (held > size) fail(tooLarge(held));
            else chunks.push(chunk as Buffer);
          });
          entry.on('end', () => {
            result = Buffer.concat(chunks);
            stop.abort();
            next();
          });
        });
        const sink = tar as unknown as Writable;
        try {
          if (decompressor) await pipeline(stream, decompressor, framer, sink, { signal: combined.signal });
          else await pipeline(stream, framer, sink, { signal: combined.signal });
        } catch (error) {
          if (result !== undefined && stop.signal.aborted && !signal?.aborted) return;
          throw layerError(error, signal);
        }
      },
      { concurrency: 1, ...(signal ? { signal } : {}) },
    );
  } finally {
    combined.done();
  }
  if (result === undefined) throw new StevedoreError('NOT_FOUND', `entry ${ordinal + 1} of layer ${layer + 1} was not in the layer`);
  return result;
}
