// The request line of the log: method, redacted URL, status and time of one HTTP exchange.
import { logEnabled, logEvent } from './log.js';
import { redactUrl } from './redact.js';
import { monotonicMs } from './monotonic.js';

interface Exchange {
  readonly method: string;
  readonly url: string;
}

/** Runs one exchange and logs it, answered or failed; the result or the error passes through untouched. */
export async function loggedExchange<R extends { readonly status: number; readonly url: string }>(req: Exchange, attempt: number, send: () => Promise<R>): Promise<R> {
  // Library use and tests log nothing: then this is one call and nothing else.
  if (!logEnabled('warn')) return send();
  const started = monotonicMs();
  const ms = (): number => Math.round(monotonicMs() - started);
  try {
    const response = await send();
    logEvent('http', { method: req.method, url: redactUrl(response.url), status: response.status, ms: ms(), attempt }, response.status >= 500 ? 'warn' : 'info');
    return response;
  } catch (error) {
    const reason = (error as { code?: unknown }).code;
    logEvent('http', { method: req.method, url: redactUrl(req.url), ms: ms(), attempt, error: typeof reason === 'string' ? reason : error instanceof Error ? error.name : 'error' }, 'warn');
    throw error;
  }
}
