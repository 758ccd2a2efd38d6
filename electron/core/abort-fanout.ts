// One abort listener per signal, however many requests share it. A CLI run or a contract call hands one signal to
// dozens of concurrent requests; each used to add its own listener to it (undici does, per request), which is what
// Node's MaxListenersExceededWarning was about. Here the shared signal gets a single listener that fans out.

interface Fanout {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/** Calls `callback` once when `signal` aborts; returns a function that unregisters it. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    queueMicrotask(callback);
    return () => undefined;
  }
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      fanouts.delete(signal);
      for (const fn of [...callbacks]) fn();
      callbacks.clear();
    };
    fanout = { callbacks, listener };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', listener, { once: true });
  }
  const entry = (): void => callback();
  const { callbacks, listener } = fanout;
  callbacks.add(entry);
  return () => {
    callbacks.delete(entry);
    if (callbacks.size === 0 && fanouts.get(signal)?.callbacks === callbacks) {
      fanouts.delete(signal);
      signal.removeEventListener('abort', listener);
    }
  };
}
