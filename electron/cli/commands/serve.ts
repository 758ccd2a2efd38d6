// `stevedore serve`: the UI and the whole contract for a browser, on 127.0.0.1, until interrupted (Ctrl+C, SIGTERM
// or SIGHUP), after which its uploads are gone from the disk.
import { startServing, type ServeOptions } from '../../web/start.js';
import type { Output } from '../output.js';

/** Resolves on the first of these signals (SIGINT comes through `signal`, owned by the CLI's main). */
const STOP_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

export async function serveCommand(options: ServeOptions, out: Output, signal: AbortSignal, logTo?: string): Promise<void> {
  // Listened for from the start: the address is printed before the host has finished loading, and a signal sent as
  // soon as it appears must still delete the uploads.
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signal.addEventListener('abort', stop, { once: true });
  for (const name of STOP_SIGNALS) process.once(name, stop);
  if (signal.aborted) stop();
  try {
    // The address is printed as soon as the page can be served: the browser loads it while the rest of the host loads.
    const web = await startServing({
      ...options,
      onListening: (url) => {
        out.line(`Stevedore is serving on ${url}`);
        if (logTo !== undefined && logTo !== 'stderr') out.line(`Log: ${logTo}`);
        out.line('Open that address in a browser on this machine; press Ctrl+C to stop.');
      },
    });
    await stopped;
    await web.close();
  } finally {
    for (const name of STOP_SIGNALS) process.removeListener(name, stop);
  }
}
