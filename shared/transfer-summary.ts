// What a finished push or copy did, in one line, for the transfers panel and the CLI alike: what went to the registry
// (bytes sent, what gzipped them), what the registry had already, or that nothing had to move at all.
import { formatBytes } from './format.js';
import type { BlobProgress } from './push.js';

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * `kind`: push or copy (an export writes a file: it has no summary). `compressor`: the host's name for what gzipped
 * the push's layers; a zlib one is the fallback (no addon built, or STEVEDORE_GZIP=zlib), said so: the fast path is libdeflate.
 */
export function transferSummary(kind: 'push' | 'copy', blobs: readonly BlobProgress[], compressor?: string): string {
  const moved = blobs.filter((b) => b.state === 'done');
  const skipped = blobs.filter((b) => b.state === 'skipped').length;
  const mounted = blobs.filter((b) => b.state === 'mounted').length;
  const there = [
    ...(skipped > 0 ? [`${count(skipped, 'blob')} already there`] : []),
    ...(mounted > 0 ? [`${count(mounted, 'blob')} mounted from another repository`] : []),
  ];
  // A job listed with no final blob states (none moved, none found there) says only that it is done.
  if (moved.length === 0 && there.length === 0) return kind === 'copy' ? 'Copied' : 'Pushed';
  if (moved.length === 0) {
    const noun = kind === 'copy' ? 'Nothing to copy' : 'Nothing to upload';
    if (mounted === 0) return `${noun}: the registry had ${skipped === 1 ? 'the blob' : `all ${skipped} blobs`} already`;
    return `${noun}: ${there.join(', ')}`;
  }
  const sent = moved.reduce((sum, b) => sum + b.bytesSent, 0);
  const compressed = moved.filter((b) => b.action === 'compress');
  const engine = compressor ? ` ${gzipWith(compressor)}` : '';
  const gzipped = compressed.length > 0 ? ` (${count(compressed.length, 'layer')} gzipped from ${formatBytes(compressed.reduce((sum, b) => sum + b.bytesTotal, 0))}${engine})` : '';
  const verb = kind === 'copy' ? 'Copied' : 'Uploaded';
  return `${verb} ${formatBytes(sent)} in ${count(moved.length, 'blob')}${gzipped}${there.length > 0 ? `; ${there.join(', ')}` : ''}`;
}

/** A compressor as people name it: its name without the benchmark's detail (`libdeflate 1.22 (native, 2 at once)`). */
export function compressorLabel(name: string): string {
  return name.replace(/ \(.*\)$/, '');
}

/** `with libdeflate 1.22`; zlib is said to be the slower fallback (no addon built, or STEVEDORE_GZIP=zlib). */
export function gzipWith(compressor: string): string {
  return `with ${compressor}${compressor.startsWith('zlib') ? ' — the slower fallback; the libdeflate addon is not in use' : ''}`;
}
