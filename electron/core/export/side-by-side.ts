// Tasks of one export run a few at once; the first failure stops the others (their signal aborts), and nothing returns
// or throws before every task has stopped, so no write is still under way when the caller discards the tar.
import { jobAbort } from '../linked-signal.js';

/** Runs `task(0)`, …, `task(count - 1)` with at most `concurrency` at once, in order of index. */
export async function sideBySide(count: number, concurrency: number, signal: AbortSignal, task: (index: number, signal: AbortSignal) => Promise<void>): Promise<void> {
  const job = jobAbort(signal);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !job.signal.aborted) await task(next++, job.signal);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, () =>
      worker().catch((error: unknown) => {
        failure ??= { error };
        job.abort(error);
      }),
    ),
  );
  job.done();
  if (failure) throw failure.error;
  signal.throwIfAborted();
}
