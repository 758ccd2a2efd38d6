// `stevedore serve`: the UI and the whole contract for a browser, on 127.0.0.1, until interrupted (Ctrl+C, SIGTERM
// or SIGHUP), after which its uploads are gone from the disk.
import { startServing, type ServeOptions } from '../../web/start.js';
import type { Output } from '../output.js';

/** Resolves on the first of these signals (SIGINT comes through `signal`, owned by the CLI's main). */
const STOP_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

export async function serveCommand(options: ServeOptions, out: Output, signal: AbortSignal, logTo?: string): Promise<void> {
  const web = await startServing(options);
  out.line(`Stevedore is serving on ${web.url}`);
  if (logTo !== undefined && logTo !== 'stderr') out.line(`Log: ${logTo}`);
  out.line('Open that address in a browser on this machine; press Ctrl+C to stop.');
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signal.addEventListener('abort', stop, { once: true });
  for (const name of STOP_SIGNALS) process.once(name, stop);
  if (signal.aborted) stop();
  await stopped;
  for (const name of STOP_SIGNALS) process.removeListener(name, stop);
  await web.close();
}
