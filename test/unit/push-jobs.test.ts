// The host's push jobs as a reloaded page lists them: every blob's last state (a progress event carries only the
// blobs that changed), and, once done, what gzipped the layers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushJobView } from '../../shared/contract.js';
import type { BlobProgress, PushEvent } from '../../shared/push.js';
import { HISTORY_BLOBS, PushJobs } from '../../electron/host/push-jobs.js';
import type { LayerCache } from '../../electron/core/push/layer-cache.js';
import type { GzipEngine } from '../../electron/core/workers/gzip-engine.js';

const blob = (id: string, action: BlobProgress['action'], state: BlobProgress['state']): BlobProgress => ({ id, kind: 'layer', action, state, bytesDone: state === 'waiting' ? 0 : 10, bytesTotal: 10, bytesSent: state === 'done' ? 4 : 0 });
const gzip = { name: 'libdeflate 1.22 (native, 2 at once)' } as unknown as GzipEngine;
const layers = {} as unknown as LayerCache;

/** A job whose transfer emits `events` and then waits for `release` before it ends with `digest`. */
function jobs(): { jobs: PushJobs; finished: PushJobView[] } {
  const finished: PushJobView[] = [];
  return { jobs: new PushJobs(gzip, layers, { progress: () => undefined, finished: (view) => void finished.push(view) }), finished };
}

describe('push jobs as the host lists them', () => {
  it('lists a running job with every blob of its plan, though its last progress event named only the one that moved', async () => {
    const { jobs: host } = jobs();
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    host.run({ target: 't', archive: '/a.tar' }, async ({ jobId, emit }) => {
      emit({ type: 'plan', jobId, target: 't', blobs: [blob('a', 'compress', 'waiting'), blob('b', 'skip', 'waiting'), blob('c', 'upload', 'waiting')] });
      emit({ type: 'progress', jobId, target: 't', blobs: [blob('b', 'skip', 'skipped')], overall: { bytesDone: 10, bytesTotal: 30, rate: 0 } });
      await held;
      return 'sha256:d';
    });
    const [view] = host.list();
    const last = view?.last as Extract<PushEvent, { type: 'progress' }>;
    assert.equal(last.type, 'progress');
    assert.deepEqual(last.blobs.map((b) => `${b.id} ${b.state}`), ['a waiting', 'b skipped', 'c waiting']);
    release();
    await host.settled();
  });

  it('names the engine that gzipped a finished push without its benchmark detail, keeps the blobs past the outcome event, and names none when nothing was compressed', async () => {
    const { jobs: host, finished } = jobs();
    host.run({ target: 'gz', archive: '/a.tar' }, async ({ jobId, emit }) => {
      emit({ type: 'plan', jobId, target: 'gz', blobs: [blob('a', 'compress', 'waiting'), blob('b', 'skip', 'waiting')] });
      emit({ type: 'progress', jobId, target: 'gz', blobs: [blob('a', 'compress', 'done'), blob('b', 'skip', 'skipped')], overall: { bytesDone: 20, bytesTotal: 20, rate: 0 } });
      emit({ type: 'pushed', jobId, target: 'gz', digest: 'sha256:d' });
      return 'sha256:d';
    });
    host.run({ target: 'none', archive: '/a.tar' }, async ({ jobId, emit }) => {
      emit({ type: 'plan', jobId, target: 'none', blobs: [blob('b', 'skip', 'waiting')] });
      emit({ type: 'progress', jobId, target: 'none', blobs: [blob('b', 'skip', 'skipped')], overall: { bytesDone: 10, bytesTotal: 10, rate: 0 } });
      emit({ type: 'pushed', jobId, target: 'none', digest: 'sha256:d' });
      return 'sha256:d';
    });
    await host.settled();
    const gz = finished.find((v) => v.target === 'gz');
    assert.equal(gz?.compressor, 'libdeflate 1.22');
    assert.deepEqual((gz?.last as Extract<PushEvent, { type: 'progress' }>).blobs.map((b) => `${b.id} ${b.state}`), ['a done', 'b skipped']);
    assert.equal(finished.find((v) => v.target === 'none')?.compressor, undefined);
  });

  it('names the engine in a plan with layers to gzip, as the page shows it while the push runs, and in no other plan', async () => {
    const plans: PushEvent[] = [];
    const host = new PushJobs(gzip, layers, { progress: (event) => void plans.push(event), finished: () => undefined });
    for (const action of ['compress', 'upload'] as const) {
      host.run({ target: action, archive: '/a.tar' }, async ({ jobId, emit }) => {
        emit({ type: 'plan', jobId, target: action, blobs: [blob('a', action, 'waiting')] });
        return 'sha256:d';
      });
    }
    await host.settled();
    assert.deepEqual(plans.map((p) => (p.type === 'plan' ? [p.target, p.compressor] : [])), [['compress', 'libdeflate 1.22'], ['upload', undefined]]);
  });
});

describe('push jobs history', () => {
  it('keeps the blobs of recent jobs only while they fit a budget: jobs of thousands of layers each are not all kept, with every blob, fifty times', async () => {
    const { jobs: host } = jobs();
    const size = Math.floor(HISTORY_BLOBS / 2) + 1;
    for (const name of ['old', 'middle', 'new']) {
      host.run({ target: name, archive: '/a.tar' }, async ({ jobId, emit }) => {
        emit({ type: 'plan', jobId, target: name, blobs: Array.from({ length: size }, (_, i) => blob(`${name}${i}`, 'upload', 'waiting')) });
        return 'sha256:d';
      });
      await host.settled();
    }
    const listed = host.list();
    assert.deepEqual(listed.map((view) => view.target), ['new', 'middle', 'old']);
    const counts = listed.map((view) => (view.last?.type === 'plan' ? view.last.blobs.length : 0));
    assert.deepEqual(counts, [size, 0, 0], 'the newest keeps its blobs; older ones past the budget are listed without them');
    assert.ok(listed.every((view) => view.state === 'pushed' && view.digest === 'sha256:d'), 'every job still says how it ended');
  });
});
