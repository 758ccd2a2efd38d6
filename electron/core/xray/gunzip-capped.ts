// Gunzip of bytes read back from disk with a cap on what they may expand to: a tampered or damaged cache file cannot
// make the process inflate without bound (a gzip bomb of a few kB expands to gigabytes).
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { StevedoreError } from '../errors.js';

const gunzipAsync = promisify(gunzip);

/** What an index cache file may expand to: far above a layer of a million files, far below what memory holds. */
export const MAX_INDEX_JSON_BYTES = 256 * 1024 * 1024;
/** The ratio written JSON (entries as tuples, gzip level 1) reaches is about 10; a bomb's is in the hundreds. */
const MAX_RATIO = 200;
const MIN_CAP = 1024 * 1024;

/** The cap for `stored` compressed bytes of an index: proportional to them, within fixed bounds. */
export function indexJsonCap(stored: number): number {
  return Math.min(MAX_INDEX_JSON_BYTES, Math.max(MIN_CAP, stored * MAX_RATIO));
}

/** The gunzipped bytes, or a TOO_LARGE error as soon as they pass `maxBytes` (nothing beyond is inflated). */
export async function gunzipCapped(body: Uint8Array, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new StevedoreError('TOO_LARGE', `compressed data expands beyond ${maxBytes} bytes`);
    throw error;
  }
}
