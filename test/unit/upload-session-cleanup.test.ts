// An abandoned upload session is DELETEd, best effort. Once the job is cancelled that DELETE gets only a moment, so a
// registry that hangs on it cannot hold Cancel (a failed job's may wait longer). Proved by order, not by a stopwatch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RegistryClient } from '../../electron/core/registry/client.js';
import { UploadSessions } from '../../electron/core/registry/upload-session.js';

/** A registry that never answers: each request ends only when its own signal gives up, noted in `ended`. */
function hangingClient(ended: string[]): RegistryClient {
  const send = (req: { readonly url?: string; readonly signal?: AbortSignal }): Promise<never> =>
    new Promise((_resolve, reject) => {
      req.signal?.addEventListener(
        'abort',
        () => {
          ended.push(req.url ?? '');
          reject(req.signal?.reason);
        },
        { once: true },
      );
    });
  return { registry: 'hangs.example', send } as unknown as RegistryClient;
}

describe('upload session cleanup', () => {
  it("a cancelled job's DELETE gives up before a failed job's that was sent first", async () => {
    const ended: string[] = [];
    const sessions = new UploadSessions(hangingClient(ended), 'team/app');
    const cancelled = new AbortController();
    cancelled.abort();
    // Deadlines are unref'd timers, as a real request's socket would keep the process up while it waits.
    const alive = setInterval(() => undefined, 60_000);
    try {
      // Sent first: with the same deadline it would give up first.
      void sessions.cancel('http://hangs.example/failed-job');
      await sessions.cancel('http://hangs.example/cancelled-job', cancelled.signal);
      assert.deepEqual(ended, ['http://hangs.example/cancelled-job']);
    } finally {
      clearInterval(alive);
    }
  });
});
