// One signal that aborts when any of its sources does, for one piece of work. Unlike AbortSignal.any, whose dependent
// signals stay referenced by long-lived sources on Node 20 (about 100 bytes per call, never freed: a leak for a host
// that answers requests for weeks), the links are removed when the work is done.
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
    const onAbort = (): void => controller.abort(source.reason);
    source.addEventListener('abort', onAbort, { once: true });
    links.push(() => source.removeEventListener('abort', onAbort));
  }
  return { signal: controller.signal, done: () => links.splice(0).forEach((unlink) => unlink()) };
}
