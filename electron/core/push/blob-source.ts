// Where a blob's bytes come from during a push, and what its uncompressed digest turned out to be: read as stored
// (a gzip layer decompressing beside the upload, in the same pass), compressed on the way (hashed before compression),
// or, for a blob the registry already holds, read once to check it unless a verified fact says what it holds.
import type { Readable } from 'node:stream';
import { StevedoreError } from '../errors.js';
import type { BlobTask, PlannedBlob } from './blob-plan.js';
import type { BlobBytes } from './blob-upload.js';
import type { BufferPool } from './buffer-pool.js';
import { canVerify, checkUses, hashLike, uncompressedHasher, type UncompressedHasher } from './layer-digest.js';
import { parallelGzip } from './parallel-gzip.js';
import type { ProgressReporter } from './progress.js';
import type { PushDeps, PushImageRequest, PushSettings } from './push-types.js';

/** What every transfer of one push shares. */
export interface PushShared {
  readonly reporter: ProgressReporter;
  readonly buffers: BufferPool;
  /** Ends this layer's turn at the compressors once its input is read (see ParallelGzipOptions.onInputEnd). */
  readonly endTurn?: () => void;
}

/**
 * The uncompressed digest of a layer the registry already holds (skipped or mounted). The registry addresses blobs by
 * content, so it is a fact about the blob: the DiffID the layer cache recorded it under (the plan checked the
 * registry agrees on that blob), the digest itself for an uncompressed blob, a verified pair from an earlier check,
 * or else the archive's bytes read once now, hashed and decompressed.
 */
export async function uncompressedOfPresent(planned: PlannedBlob, stream: Readable | undefined, request: PushImageRequest, deps: PushDeps): Promise<string | undefined> {
  const { task } = planned;
  const blob = planned.result?.digest;
  const known = task.kind !== 'layer' || !blob ? undefined : (planned.uncompressed ?? (task.compression === 'none' ? blob : undefined) ?? verifiedPair(task, blob, deps));
  if (task.kind !== 'layer' || !blob || known !== undefined || !canVerify(task.compression ?? 'none')) {
    if (stream) await drain(stream);
    return known;
  }
  const input = stream ?? storedBytes(task, request);
  const stored = hashLike(blob);
  const hasher = uncompressedHasher(task.compression ?? 'none', task.entry, hashLike(task.diffId).algorithm);
  try {
    for await (const chunk of input) {
      stored.hash.update(chunk);
      await hasher.update(chunk);
    }
    const digest = `${stored.algorithm}:${stored.hash.digest('hex')}`;
    if (digest !== blob) throw new StevedoreError('ARCHIVE_INVALID', `archive entry "${task.entry}": content hashes to ${digest}, not ${blob}`);
    const diffId = await hasher.digest();
    if (diffId) deps.layers?.recordVerified(blob, diffId);
    checkUses(task.entry, task.uses, diffId);
    return diffId;
  } finally {
    hasher.close();
  }
}

function verifiedPair(task: BlobTask, blob: string, deps: PushDeps): string | undefined {
  const pair = deps.layers?.verifiedDiffId(blob);
  // A pair that disagrees with this archive is checked again rather than believed either way.
  return pair !== undefined && pair === task.diffId ? pair : undefined;
}

function storedBytes(task: BlobTask, request: PushImageRequest): AsyncIterable<Uint8Array> {
  const source = request.archive.source;
  return source.gzipped ? smallFromMemory(task.entry, request) : source.openEntry(task.entry);
}

export interface LayerSource {
  readonly bytes: BlobBytes;
  /** Once the upload verified: the layer's uncompressed digest (undefined for a config, or zstd where unreadable). */
  readonly uncompressed: () => string | undefined;
}

export function blobBytes(task: BlobTask, stream: Readable | undefined, request: PushImageRequest, deps: PushDeps, settings: PushSettings, { reporter, buffers, endTurn }: PushShared): LayerSource {
  const source = request.archive.source;
  const counted = async function* (input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      reporter.add(task.id, chunk.length, 0);
      yield chunk;
    }
  };
  const raw = (): AsyncIterable<Uint8Array> => stream ?? storedBytes(task, request);
  let uncompressed: string | undefined;
  if (!task.compressOnTheWay) {
    const isLayer = task.kind === 'layer';
    // An uncompressed docker-archive layer has no digest but its DiffID: a mismatch there is a DiffID mismatch.
    const digestIsDiffId = task.compression === 'none' && task.expectedDigest === task.diffId;
    const compressed = isLayer && task.compression !== undefined && task.compression !== 'none';
    const pair = compressed && task.expectedDigest ? verifiedPair(task, task.expectedDigest, deps) : undefined;
    let hasher: UncompressedHasher | undefined;
    const teed = async function* (input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      hasher?.close();
      // A compressed layer decompresses beside the upload, in the same pass; one already verified (pair) need not.
      hasher = compressed && !pair ? uncompressedHasher(task.compression ?? 'none', task.entry, hashLike(task.diffId).algorithm) : undefined;
      let complete = false;
      try {
        for await (const chunk of input) {
          await hasher?.update(chunk);
          yield chunk;
        }
        complete = true;
      } finally {
        // Kept open only when every byte went through: verify() reads its digest.
        if (!complete) hasher?.close();
      }
    };
    return {
      bytes: {
        label: task.entry,
        restartable: stream === undefined,
        ...(task.expectedDigest && !digestIsDiffId ? { digest: task.expectedDigest } : {}),
        open: () => counted(teed(raw())),
        verify: async (digest) => {
          if (!isLayer) return;
          uncompressed = compressed ? (pair ?? (await hasher?.digest())) : digest;
          checkUses(task.entry, task.uses, uncompressed);
        },
      },
      uncompressed: () => uncompressed,
    };
  }
  let diffHash = hashLike(task.diffId);
  return {
    bytes: {
      label: task.entry,
      restartable: stream === undefined,
      // parallelGzip gives a member's pooled buffer back once the next member is asked for.
      transient: true,
      open: () => {
        diffHash = hashLike(task.diffId);
        // A plain tar is read straight into compression-sized blocks: no re-slicing copy.
        const seekable = !stream && !source.gzipped;
        const input = seekable ? source.readBlocks(task.entry, settings.blockSize, (size) => buffers.take(size)) : raw();
        return parallelGzip(counted(input), deps.gzip, { level: settings.level ?? deps.gzip.defaultLevel, blockSize: settings.blockSize, window: settings.window ?? deps.gzip.window ?? deps.gzip.concurrency, pool: buffers, ...(endTurn ? { onInputEnd: endTurn } : {}), ...(request.signal ? { signal: request.signal } : {}) }, (block) => diffHash.hash.update(block), seekable);
      },
      verify: () => {
        uncompressed = `${diffHash.algorithm}:${diffHash.hash.digest('hex')}`;
        checkUses(task.entry, task.uses, uncompressed);
      },
    },
    uncompressed: () => uncompressed,
  };
}

export async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) void _;
}

async function* smallFromMemory(entry: string, request: PushImageRequest): AsyncGenerator<Uint8Array> {
  yield await request.archive.source.readSmall(entry, Number.MAX_SAFE_INTEGER);
}

