// One signal that aborts when any of its sources does, for one piece of work (a contract request, one HTTP
// request). Unlike AbortSignal.any, whose dependent signals stay referenced by long-lived sources on Node 20 (about
// 100 bytes per call, never freed: a leak for a host that answers requests for weeks), the links are removed when the
// work is done; and a source shared by many pieces of work carries one abort listener, not one each (abort-fanout).
import { setMaxListeners } from 'node:events';
import { onAbort } from './abort-fanout.js';

export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** Unlinks from the sources; call when the work ends. */
  done(): void;
}

export function linkSignals(sources: readonly (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const links: (() => void)[] = [];
  for (const source of sources) {
    if (!source) continue;
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    links.push(onAbort(source, () => controller.abort(source.reason)));
  }
  return { signal: controller.signal, done: () => links.splice(0).forEach((unlink) => unlink()) };
}

export interface JobAbort extends LinkedSignal {
  /** Stops the whole job: the first failure of one of its transfers stops every other. */
  abort(reason: unknown): void;
}

/**
 * The signal of one job (a push, a copy, an export): aborted by the caller's signal or by the job itself, and listened
 * to by every request and task in flight, however many (no listener-count warning).
 */
export function jobAbort(outer: AbortSignal | undefined): JobAbort {
  const own = new AbortController();
  const linked = linkSignals([own.signal, outer]);
  setMaxListeners(0, linked.signal);
  return { signal: linked.signal, done: linked.done, abort: (reason) => own.abort(reason) };
}
