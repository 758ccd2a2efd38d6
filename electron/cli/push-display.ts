// Live push progress on a terminal: one line per blob and an overall line, redrawn in place about ten times a second.
import type { BlobProgress, PushEvent, PushProgress } from '../../shared/push.js';
import { formatBytes, plural, shortDigest } from './format.js';
import { terminalJson, terminalText } from './terminal-text.js';

const BAR = 24;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.round((done / total) * BAR) : BAR;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

function blobLine(blob: BlobProgress): string {
  const name = blob.kind === 'config' ? (blob.label ?? 'config') : shortDigest(blob.digest ?? blob.diffId ?? blob.id);
  const state = blob.state.padEnd(11);
  const bytes = blob.state === 'skipped' || blob.state === 'mounted' ? formatBytes(blob.bytesTotal) : `${formatBytes(blob.bytesDone)} / ${formatBytes(blob.bytesTotal)}`;
  return `  ${name.padEnd(19)} ${state} ${bar(blob.bytesDone, blob.bytesTotal)} ${bytes}`;
}

function overallLine(overall: PushProgress): string {
  const eta = overall.etaSeconds !== undefined ? `, ${overall.etaSeconds}s left` : '';
  return `  ${formatBytes(overall.bytesDone)} / ${formatBytes(overall.bytesTotal)} at ${formatBytes(Math.round(overall.rate))}/s${eta}`;
}

export interface PushDisplay {
  onEvent(event: PushEvent): void;
}

/**
 * Redraws in place on a TTY; elsewhere prints the plan and the outcome only. With `words.file` the target is a file
 * (an export of one or more images), so the outcome names it without a digest.
 */
export function pushDisplay(stream: NodeJS.WriteStream, json: boolean, words: { readonly active: string; readonly done: string; readonly transfer?: string; readonly file?: boolean } = { active: 'Pushing', done: 'Pushed' }): PushDisplay {
  if (json) return { onEvent: (event) => void stream.write(`${terminalJson(JSON.stringify(event))}\n`) };
  const blobs = new Map<string, BlobProgress>();
  let drawn = 0;
  let overall: PushProgress | undefined;
  const redraw = (): void => {
    if (!stream.isTTY) return;
    const lines = [...[...blobs.values()].map(blobLine), ...(overall ? [overallLine(overall)] : [])];
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
        const counts = [`${count('compress')} to compress`, `${count('upload')} to ${words.transfer ?? 'upload'}`, `${count('mount')} to mount`, `${count('skip')} already there`].filter((c) => !c.startsWith('0 '));
        stream.write(`${terminalText(`${words.active} ${event.target}: ${plural(event.blobs.length, 'blob')}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`)}\n`);
        redraw();
      } else if (event.type === 'progress') {
        for (const blob of event.blobs) blobs.set(blob.id, blob);
        overall = event.overall;
        redraw();
      } else if (event.type === 'pushed') {
        stream.write(`${terminalText(words.file ? `${words.done} ${event.target}` : `${words.done} ${event.target}@${event.digest}`)}\n`);
      }
    },
  };
}
