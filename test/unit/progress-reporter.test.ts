// The progress reporter counts bytes per chunk without copying a record each time: what it reports must still be
// the sum of what was added, capped at the blob's size, reset by a restart, and never change once emitted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushEvent } from '../../shared/push.js';
import { ProgressReporter } from '../../electron/core/push/progress.js';

type Progress = Extract<PushEvent, { type: 'progress' }>;

function reporter(): { events: Progress[]; progress: ProgressReporter } {
  const events: Progress[] = [];
  const progress = new ProgressReporter('job', 'reg/app:1', (event) => {
    if (event.type === 'progress') events.push(event);
  });
  progress.plan([{ id: 'a', kind: 'layer', action: 'upload', state: 'waiting', bytesDone: 0, bytesTotal: 100, bytesSent: 0 }]);
  return { events, progress };
}

describe('progress reporter', () => {
  it('reports the sum of the chunks added, read capped at the size', () => {
    const { events, progress } = reporter();
    progress.add('a', 60, 0);
    progress.add('a', 60, 50);
    progress.flush();
    assert.deepEqual(events.map((e) => [e.blobs[0]?.bytesDone, e.blobs[0]?.bytesSent]), [[100, 50]]);
    assert.equal(events[0]?.overall.bytesDone, 100);
    progress.stop();
  });

  it('a restart drops what was counted before it; an emitted record never changes afterwards', () => {
    const { events, progress } = reporter();
    progress.add('a', 30, 30);
    progress.flush();
    progress.add('a', 20, 20);
    progress.update('a', { bytesDone: 0, bytesSent: 0 });
    progress.add('a', 5, 5);
    progress.flush();
    assert.deepEqual(events.map((e) => [e.blobs[0]?.bytesDone, e.blobs[0]?.bytesSent]), [[30, 30], [5, 5]]);
    assert.deepEqual(progress.blobs().map((b) => b.bytesDone), [5]);
    progress.add('a', 1, 0);
    assert.equal(progress.blobs()[0]?.bytesDone, 6);
    progress.stop();
  });

  it('ignores a blob it was not told of', () => {
    const { events, progress } = reporter();
    progress.add('nope', 10, 10);
    progress.flush();
    assert.equal(events.length, 0);
    progress.stop();
  });
});
