// A push in the log: its plan (per blob: skip, mount, upload or compress, and sizes) and its outcome (the digest,
// or the error code), timed from start to end.
import { toErrorInfo } from './errors.js';
import { logEvent } from './log.js';
import type { PlannedBlob } from './push/blob-plan.js';
import { monotonicMs } from './monotonic.js';

export interface PushLog {
  plan(plan: readonly PlannedBlob[]): void;
  done(digest: string): void;
  failed(error: unknown): void;
}

export function pushLog(jobId: string, target: string): PushLog {
  const started = monotonicMs();
  const ms = (): number => Math.round(monotonicMs() - started);
  return {
    plan(plan) {
      const blobs = plan.map(({ task, action, result, mountFrom }) => {
        const digest = result?.digest ?? task.expectedDigest;
        return { id: task.id, kind: task.kind, action, size: task.storedSize, ...(digest ? { digest } : {}), ...(mountFrom ? { mountFrom } : {}) };
      });
      logEvent('push.plan', { jobId, target, blobs });
    },
    done(digest) {
      logEvent('push.done', { jobId, target, digest, ms: ms() });
    },
    failed(error) {
      const { code, message } = toErrorInfo(error);
      logEvent('push.failed', { jobId, target, code, message, ms: ms() }, 'error');
    },
  };
}
