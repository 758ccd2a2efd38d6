// The CLI's live push display on a terminal: the overall line gives a rate only once one is measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pushDisplay } from '../../electron/cli/push-display.js';
import type { BlobProgress } from '../../shared/push.js';

function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = { isTTY: true, write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written };
}

const layer = (state: BlobProgress['state'], done: number): BlobProgress => ({ id: 'l', kind: 'layer', action: 'skip', state, bytesDone: done, bytesTotal: 2_000_000, bytesSent: 0, digest: `sha256:${'a'.repeat(64)}` });

describe('push display on a terminal', () => {
  it('says no "at 0 B/s" while no rate is measured (nothing moved: every blob was there), and the rate once there is one', () => {
    const { stream, text } = terminal();
    const display = pushDisplay(stream, false);
    display.onEvent({ type: 'plan', jobId: 'j', target: 'r/app:1', blobs: [layer('waiting', 0)] });
    display.onEvent({ type: 'progress', jobId: 'j', target: 'r/app:1', blobs: [layer('skipped', 2_000_000)], overall: { bytesDone: 2_000_000, bytesTotal: 2_000_000, rate: 0 } });
    assert.ok(text().endsWith('\x1b[2K  2.0 MB / 2.0 MB\n'), JSON.stringify(text()));
    display.onEvent({ type: 'progress', jobId: 'j', target: 'r/app:1', blobs: [], overall: { bytesDone: 1_000_000, bytesTotal: 2_000_000, rate: 500_000, etaSeconds: 2 } });
    assert.ok(text().endsWith('\x1b[2K  1.0 MB / 2.0 MB at 500 kB/s, 2s left\n'), JSON.stringify(text()));
  });

  it('names a row by where the image uses the blob, which stays while a gzipped layer changes digest, and says no "0s left" when done', () => {
    const { stream, text } = terminal();
    const display = pushDisplay(stream, false);
    const gz = (state: BlobProgress['state'], digest: string): BlobProgress => ({ id: 'l', kind: 'layer', action: 'compress', state, bytesDone: state === 'done' ? 10 : 0, bytesTotal: 10, bytesSent: 0, diffId: `sha256:${'d'.repeat(64)}`, digest, label: 'layer 1/1' });
    display.onEvent({ type: 'plan', jobId: 'j', target: 'r/app:1', blobs: [gz('waiting', `sha256:${'d'.repeat(64)}`)] });
    display.onEvent({ type: 'progress', jobId: 'j', target: 'r/app:1', blobs: [gz('done', `sha256:${'e'.repeat(64)}`)], overall: { bytesDone: 10, bytesTotal: 10, rate: 100, etaSeconds: 0 } });
    const rows = text().split('\n').filter((l) => l.includes('[#') || l.includes('[.'));
    const escapes = new RegExp(`${String.fromCharCode(27)}\\[\\d*[A-K]`, 'g');
    assert.deepEqual(rows.map((l) => l.replace(escapes, '').trim().split(/ +/).slice(0, 3).join(' ')), ['layer 1/1 waiting', 'layer 1/1 done']);
    assert.ok(text().endsWith('\x1b[2K  10 B / 10 B at 100 B/s\n'), JSON.stringify(text()));
  });
});
