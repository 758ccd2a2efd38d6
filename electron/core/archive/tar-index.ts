// Indexes a plain tar file by seeking from header to header: reads a few KB however large the archive, and gives
// each entry's data offset so entries can later be read in parallel. The walk itself (tar-walk.ts) is the same one
// the gzip path uses, so both read the same entries from the same bytes.
import { openRegularFile } from '../regular-file.js';
import { FileInput } from './tar-input.js';
import { walkTar, type WalkedEntry } from './tar-walk.js';

export async function indexTarFile(path: string, signal?: AbortSignal): Promise<WalkedEntry[]> {
  const handle = await openRegularFile(path, 'archive');
  try {
    const { size } = await handle.stat();
    const entries: WalkedEntry[] = [];
    for await (const entry of walkTar(new FileInput(handle, size), signal)) entries.push(entry);
    return entries;
  } finally {
    await handle.close();
  }
}
