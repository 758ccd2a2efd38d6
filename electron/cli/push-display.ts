// Live push progress on a terminal: one line per blob and an overall line, redrawn in place about ten times a second.
import type { BlobProgress, PushEvent, PushProgress } from '../../shared/push.js';
import { transferSummary } from '../../shared/transfer-summary.js';
import { formatBytes, plural, shortDigest } from './format.js';
import { terminalJson, terminalText } from './terminal-text.js';

const BAR = 24;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.round((done / total) * BAR) : BAR;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

/**
 * A row's name, as the transfers panel gives it: where the image uses the blob (`layer 2/3`), which stays put while
 * the digest changes under it (a layer gzipped on the way is named by its diff_id, then by its new digest).
 */
function blobName(blob: BlobProgress): string {
  return blob.label ?? (blob.kind === 'config' ? 'config' : shortDigest(blob.digest ?? blob.diffId ?? blob.id));
}

function blobLine(blob: BlobProgress, width: number): string {
  const state = blob.state.padEnd(11);
  const bytes = blob.state === 'skipped' || blob.state === 'mounted' ? formatBytes(blob.bytesTotal) : `${formatBytes(blob.bytesDone)} / ${formatBytes(blob.bytesTotal)}`;
  return `  ${blobName(blob).padEnd(width)} ${state} ${bar(blob.bytesDone, blob.bytesTotal)} ${bytes}`;
}

function overallLine(overall: PushProgress): string {
  const eta = overall.etaSeconds !== undefined && overall.etaSeconds > 0 ? `, ${overall.etaSeconds}s left` : '';
  // No rate before one is measured (or when nothing moved at all): `at 0 B/s` reads as stalled.
  const rate = overall.rate > 0 ? ` at ${formatBytes(Math.round(overall.rate))}/s` : '';
  return `  ${formatBytes(overall.bytesDone)} / ${formatBytes(overall.bytesTotal)}${rate}${eta}`;
}

export interface PushDisplay {
  onEvent(event: PushEvent): void;
}

export interface DisplayWords {
  readonly active: string;
  readonly done: string;
  readonly transfer?: string;
  /** The target is a file (an export of one or more images): the outcome names it, with no summary. */
  readonly file?: boolean;
  /** Which summary the outcome gives (push by default). */
  readonly kind?: 'push' | 'copy';
  /** What gzips layers, as people name it; asked only when there are layers to compress (it starts the engine). */
  readonly compressor?: () => string;
}

/**
 * Redraws in place on a TTY; elsewhere prints the plan and the outcome only. The outcome says what moved (the
 * transfers panel's summary); the reference with its digest is the command's stdout, so it is not repeated here.
 */
export function pushDisplay(stream: NodeJS.WriteStream, json: boolean, words: DisplayWords = { active: 'Pushing', done: 'Pushed' }): PushDisplay {
  if (json) return { onEvent: (event) => void stream.write(`${terminalJson(JSON.stringify(event))}\n`) };
  const blobs = new Map<string, BlobProgress>();
  let drawn = 0;
  let overall: PushProgress | undefined;
  const outcome = (): string => {
    const list = [...blobs.values()];
    const compressed = list.some((b) => b.action === 'compress' && b.state === 'done');
    return transferSummary(words.kind ?? 'push', list, compressed && words.compressor ? words.compressor() : undefined);
  };
  const redraw = (): void => {
    if (!stream.isTTY) return;
    const width = Math.max(0, ...[...blobs.values()].map((b) => blobName(b).length));
    const lines = [...[...blobs.values()].map((b) => blobLine(b, width)), ...(overall ? [overallLine(overall)] : [])];
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    stream.write(lines.map((l) => `\x1b[2K${terminalText(l)}\n`).join(''));
    drawn = lines.length;
  };
  return {
    onEvent(event) {
      if (event.type === 'plan') {
        blobs.clear();
        drawn = 0;
        for (const blob of event.blobs) blobs.set(blob.id, blob);
        const count = (action: string): number => event.blobs.filter((b) => b.action === action).length;
        const gzip = count('compress') > 0 && words.compressor ? ` with ${words.compressor()}` : '';
        const counts = [`${count('compress')} to compress${gzip}`, `${count('upload')} to ${words.transfer ?? 'upload'}`, `${count('mount')} to mount`, `${count('skip')} already there`].filter((c) => !c.startsWith('0 '));
        stream.write(`${terminalText(`${words.active} ${event.target}: ${plural(event.blobs.length, 'blob')}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`)}\n`);
        redraw();
      } else if (event.type === 'progress') {
        for (const blob of event.blobs) blobs.set(blob.id, blob);
        overall = event.overall;
        redraw();
      } else if (event.type === 'pushed') {
        stream.write(`${terminalText(words.file ? `${words.done} ${event.target}` : `${words.done} ${event.target}. ${outcome()}`)}\n`);
      }
    },
  };
}
