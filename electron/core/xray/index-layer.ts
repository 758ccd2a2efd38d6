// A layer's index from its blob stream: decompressed on the way, framed as Go reads tars, parsed by tar-stream, every
// regular file hashed and nothing written anywhere. Memory holds the entry list and one chunk at a time.
import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import type { EntryKind, LayerEntry } from '../../../shared/xray.js';
import { StevedoreError, isAbortError } from '../errors.js';
import { decompressorFor, sniffCompression } from './decompress.js';
import { isSymlinkTarget, layerPath } from './entry-path.js';
import { DEFAULT_FRAMER_LIMITS, TarFramer, layerInvalid, type FramerLimits } from './tar-framer.js';

export interface IndexedTar {
  readonly entries: readonly LayerEntry[];
  readonly diffId: string;
  readonly tarSize: number;
}

export interface IndexLayerOptions {
  readonly signal?: AbortSignal;
  readonly limits?: FramerLimits;
}

const KINDS: Readonly<Record<string, EntryKind>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

export function entryOf(header: Header, size: number, sha256: string | undefined): LayerEntry | undefined {
  const path = layerPath(header.name);
  const kind = KINDS[header.type ?? 'file'] ?? 'other';
  if (path === '') {
    if (kind !== 'dir') throw layerInvalid(`entry "${header.name}" names the root but is a ${kind}`);
    return undefined;
  }
  const pax = (header.pax ?? {}) as Readonly<Record<string, string | undefined>>;
  const uid = /^[0-9]{1,15}$/.test(pax.uid ?? '') ? Number(pax.uid) : (header.uid ?? 0);
  const gid = /^[0-9]{1,15}$/.test(pax.gid ?? '') ? Number(pax.gid) : (header.gid ?? 0);
  let link: string | undefined;
  if (kind === 'hardlink') link = layerPath(header.linkname ?? '');
  else if (kind === 'symlink') {
    link = header.linkname ?? '';
    if (!isSymlinkTarget(link)) throw layerInvalid(`symlink "${path}": bad target`);
  }
  return { path, kind, size: kind === 'file' ? size : 0, mode: (header.mode ?? 0) & 0o7777, uid, gid, ...(link !== undefined ? { link } : {}), ...(sha256 ? { sha256 } : {}) };
}

/** Indexes a layer blob (gzip, zstd or plain tar). Fails with ARCHIVE_INVALID, DIGEST_MISMATCH or UNSUPPORTED. */
export async function indexLayerStream(blob: Readable, options: IndexLayerOptions = {}): Promise<IndexedTar> {
  const { compression, stream } = await sniffCompression(blob);
  const decompressor = decompressorFor(compression);
  const framer = new TarFramer(options.limits ?? DEFAULT_FRAMER_LIMITS);
  const entries: LayerEntry[] = [];
  // Go reads old (v7) headers too; the checksum is still checked.
  const tar = extract({ allowUnknownFormat: true } as Parameters<typeof extract>[0]);
  // An error handed to tar-stream's `next` ends its (streamx) stream without failing Node's pipeline: keep it, and
  // fail the framer too, so that the pipeline stops reading.
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    framer.destroy(error);
  };
  tar.on('entry', (header, entry, next) => {
    const hash = header.type === 'file' || header.type === 'contiguous-file' ? createHash('sha256') : undefined;
    let size = 0;
    entry.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      size += chunk.length;
      hash?.update(chunk);
    });
    entry.on('error', fail);
    entry.on('end', () => {
      try {
        const indexed = entryOf(header, size, hash?.digest('hex'));
        if (indexed) entries.push(indexed);
        next();
      } catch (error) {
        fail(error as Error);
      }
    });
  });
  tar.on('error', fail);
  const sink = tar as unknown as Writable;
  const opts = options.signal ? { signal: options.signal } : {};
  try {
    if (decompressor) await pipeline(stream, decompressor, framer, sink, opts);
    else await pipeline(stream, framer, sink, opts);
  } catch (error) {
    throw layerError(failure ?? error, options.signal);
  }
  if (failure) throw layerError(failure, options.signal);
  return { entries, diffId: framer.diffId, tarSize: framer.tarSize };
}

export function layerError(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof StevedoreError || isAbortError(error)) return error;
  const message = (error as Error).message ?? String(error);
  if (/unexpected end of file/i.test(message)) return layerInvalid('truncated compressed data');
  if (/incorrect header check|invalid (block type|distance|stored block|code)|unknown compression/i.test(message)) return layerInvalid(`corrupt compressed data (${message})`);
  if (/Invalid tar header|Header exceeds max size|Invalid header/i.test(message)) return layerInvalid(`not a tar (${message})`);
  if (/Unexpected end of data/i.test(message)) return layerInvalid('truncated tar');
  return layerInvalid(message);
}
