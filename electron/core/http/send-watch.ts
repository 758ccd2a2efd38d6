// An idle limit for sending a request body: undici's timers cover the response only, so a server that stops reading
// an upload would hold it forever. The body is handed to undici in slices; a pause longer than the limit between two
// slices (once sending has begun) aborts the request with TIMEOUT. Time spent queued for a connection is not counted.
import { Readable } from 'node:stream';
import { StevedoreError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { IDLE_TIMEOUT_ENV } from './timeouts.js';
import type { RequestBody } from './request-body.js';

const SLICE = 64 * 1024;

export interface WatchedBody {
  readonly body: Readable;
  readonly signal: AbortSignal;
  /** Stops the watch (the answer arrived, or the request failed). */
  stop(): void;
}

async function* slices(body: RequestBody): AsyncGenerator<Uint8Array> {
  if (typeof body === 'string') {
    yield* slices(Buffer.from(body, 'utf8'));
    return;
  }
  if (body instanceof Uint8Array) {
    for (let offset = 0; offset < body.length; offset += SLICE) yield body.subarray(offset, Math.min(body.length, offset + SLICE));
    return;
  }
  for await (const chunk of body) yield chunk as Uint8Array;
}

export function watchBody(body: RequestBody, idleMs: number, method: string, url: string): WatchedBody {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (): void => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => {
      controller.abort(new StevedoreError('TIMEOUT', `sending to ${redactUrl(url)} stalled: nothing was taken for ${idleMs / 1000} s (limit: ${IDLE_TIMEOUT_ENV}, in seconds)`, { method, url }));
    }, idleMs);
  };
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
  };
  async function* watched(): AsyncGenerator<Uint8Array> {
    try {
      for await (const slice of slices(body)) {
        // Armed before each slice is handed over: undici asks for the next one only once the socket took the last.
        arm();
        yield slice;
      }
    } finally {
      // Sent whole (or abandoned): from here the headers deadline applies.
      clearTimeout(timer);
    }
  }
  return { body: Readable.from(watched(), { objectMode: false }), signal: controller.signal, stop };
}
