// Layer bytes as a tar stream: compression told by magic bytes (gzip, zstd, none), never by media type.
import { Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { detectCompression, type Compression } from '../archive/compression.js';
import { StevedoreError } from '../errors.js';

type ZstdFactory = () => Transform;

/** Node 22.15+ has zstd in zlib; older runtimes get a clear UNSUPPORTED rather than a garbled tar. */
function zstdFactory(): ZstdFactory | undefined {
  const factory = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
  return typeof factory === 'function' ? factory : undefined;
}

export function decompressorFor(compression: Compression): Transform | undefined {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') {
    const factory = zstdFactory();
    if (!factory) throw new StevedoreError('UNSUPPORTED', `zstd layers need Node 22.15 or newer (this is ${process.version})`);
    return factory();
  }
  return undefined;
}

/**
 * Waits for the first bytes of a stream and puts them back, so the stream can still be piped from its start (a
 * stream that ended before giving that many is replaced by one holding what it gave).
 */
export function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let ended = false;
    const finish = (): void => {
      cleanup();
      const head = Buffer.concat(chunks, length);
      if (ended) resolve({ head, stream: Readable.from(head.length > 0 ? [head] : []) });
      else {
        if (head.length > 0) stream.unshift(head);
        resolve({ head: head.subarray(0, bytes), stream });
      }
    };
    const onEnd = (): void => {
      ended = true;
      finish();
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (length < bytes && (chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= bytes) finish();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
    };
    stream.on('readable', onReadable).once('end', onEnd).once('error', onError);
  });
}

/** The stream (from its first byte) and how it is compressed. */
export async function sniffCompression(input: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const { head, stream } = await peek(input, 4);
  return { compression: detectCompression(head), stream };
}
