// Entries of a tar file produced several at once but written in a fixed order, so two exports of one image are still
// the same bytes. The first entry not yet written streams straight into the tar; the ones after it, produced
// meanwhile, go to spool files beside it. When its turn comes, an entry still being produced continues straight into
// the tar after what it spooled; one already finished is copied in. (A docker-archive layer, decompressed on the way,
// has no size before its last byte, so it cannot be given its place further into the file in advance.) A tar that
// cannot seek (a download) needs every size before the data: there each entry is spooled whole, then sent.
import { StevedoreError } from '../errors.js';
import { sideBySide } from './side-by-side.js';
import type { SpoolFile } from './spool-file.js';
import type { TarSink } from './tar-sink.js';

export interface OrderedEntry {
  readonly name: string;
  /** The entry's bytes; `signal` aborts when another entry failed. */
  readonly chunks: (signal: AbortSignal) => AsyncIterable<Uint8Array>;
}

async function* concat(...parts: readonly AsyncIterable<Uint8Array>[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield* part;
}

/** Writes `entries` into `tar` in their order, producing up to `concurrency` of them at once. */
export async function addInOrder(tar: TarSink, entries: readonly OrderedEntry[], concurrency: number, signal: AbortSignal): Promise<void> {
  const finished = new Map<number, SpoolFile>();
  // Entries before `placed` are in the tar; `tailBusy` while one is being written at its end.
  let placed = 0;
  let tailBusy = false;
  const myTurn = (index: number): boolean => index === placed && !tailBusy;

  /** Writes at the tail, which the caller took (`tailBusy`); the entry counts as placed once its header is written. */
  const writeAtTail = async (name: string, chunks: AsyncIterable<Uint8Array>, size?: number): Promise<void> => {
    try {
      await tar.addStream(name, chunks, size);
      placed++;
    } finally {
      tailBusy = false;
    }
  };
  const copyFinished = async (): Promise<void> => {
    for (let spool = finished.get(placed); spool && !tailBusy; spool = finished.get(placed)) {
      finished.delete(placed);
      tailBusy = true;
      // A stream may keep a chunk queued after taking the next: it gets buffers of its own.
      await writeAtTail((entries[placed] as OrderedEntry).name, spool.chunks(!tar.seekable), spool.size);
      await spool.remove();
    }
  };
  const produce = async (index: number, entrySignal: AbortSignal): Promise<void> => {
    const entry = entries[index] as OrderedEntry;
    const iterator = entry.chunks(entrySignal)[Symbol.asyncIterator]();
    const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
    if (tar.seekable && myTurn(index)) {
      tailBusy = true;
      return writeAtTail(entry.name, rest);
    }
    const spool = await tar.openSpool();
    try {
      for (;;) {
        if (tar.seekable && myTurn(index)) {
          tailBusy = true;
          await spool.close();
          await writeAtTail(entry.name, concat(spool.chunks(), rest));
          return await spool.remove();
        }
        const next = await iterator.next();
        if (next.done) break;
        await spool.write(next.value);
      }
      await spool.close();
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
    finished.set(index, spool);
  };
  await sideBySide(entries.length, concurrency, signal, async (index, entrySignal) => {
    await produce(index, entrySignal);
    await copyFinished();
  });
  if (placed !== entries.length) throw new StevedoreError('INTERNAL', `only ${placed} of ${entries.length} tar entries were written`);
}
