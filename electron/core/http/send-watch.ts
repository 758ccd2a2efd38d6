// An idle limit for sending a request body: undici's timers cover the response only, so a server that stops reading
// an upload would hold it forever. The body is handed to undici in slices (a stream, chunk by chunk); a pause longer
// than the limit between two (once sending has begun) aborts the request with TIMEOUT. Time spent queued for a
// connection is not counted.
import { Readable, finished } from 'node:stream';
import { StevedoreError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { IDLE_TIMEOUT_ENV } from './timeouts.js';
import type { RequestBody } from './request-body.js';
import { monotonicMs } from '../monotonic.js';

const SLICE = 64 * 1024;
/** What a stream body holds while undici is not taking it, before its source is paused. */
const PASS_THROUGH_BUFFER = 64 * 1024;

export interface WatchedBody {
  readonly body: Readable;
  readonly signal: AbortSignal;
  /** Stops the watch (the answer arrived, or the request failed). */
  stop(): void;
}

/** A byte body, in slices: the watch sees each slice taken. */
function* slices(body: string | Uint8Array): Generator<Uint8Array> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  for (let offset = 0; offset < bytes.length; offset += SLICE) yield bytes.subarray(offset, Math.min(bytes.length, offset + SLICE));
}

/**
 * A stream body passed on chunk by chunk with events (no generator and no promise per chunk: a blob upload runs
 * through here once per chunk). It starts pulling from the source only when undici first reads, and pauses the
 * source whenever undici has not taken what it holds.
 */
class WatchedStream extends Readable {
  readonly #source: Readable;
  readonly #taken: () => void;
  #started = false;

  constructor(source: Readable, taken: () => void) {
    super({ highWaterMark: PASS_THROUGH_BUFFER });
    this.#source = source;
    this.#taken = taken;
  }

  override _read(): void {
    if (this.#started) {
      this.#source.resume();
      return;
    }
    this.#started = true;
    this.#source.on('data', (chunk: Uint8Array) => {
      // Armed as each chunk is handed over: undici takes the next one only once the socket took the last.
      this.#taken();
      if (!this.push(chunk)) this.#source.pause();
    });
    // Ended, failed, or closed before its end (premature close): as a for-await over it would see it.
    finished(this.#source, (error) => {
      if (error) this.destroy(error);
      else this.push(null);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#source.destroyed) this.#source.destroy(error ?? undefined);
    callback(error);
  }
}

export function watchBody(body: RequestBody, idleMs: number, method: string, url: string): WatchedBody {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // When the last chunk was taken. Each chunk only notes the time: the timer, set once, looks at it when it fires
  // and waits out the rest of the limit (re-arming a timer per chunk costs a timer-list insert every 64 KiB).
  let taken = 0;
  const check = (): void => {
    const idle = monotonicMs() - taken;
    if (idle < idleMs) {
      timer = setTimeout(check, idleMs - idle);
      return;
    }
    timer = undefined;
    controller.abort(new StevedoreError('TIMEOUT', `sending to ${redactUrl(url)} stalled: nothing was taken for ${idleMs / 1000} s (limit: ${IDLE_TIMEOUT_ENV}, in seconds)`, { method, url }));
  };
  const arm = (): void => {
    if (stopped) return;
    taken = monotonicMs();
    timer ??= setTimeout(check, idleMs);
  };
  const disarm = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  const stop = (): void => {
    stopped = true;
    disarm();
  };
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    const watched = new WatchedStream(body, arm);
    // Sent whole (or abandoned): from here the headers deadline applies.
    watched.once('end', disarm);
    watched.once('close', disarm);
    return { body: watched, signal: controller.signal, stop };
  }
  async function* watched(): AsyncGenerator<Uint8Array> {
    try {
      for (const slice of slices(body as string | Uint8Array)) {
        arm();
        yield slice;
      }
    } finally {
      disarm();
    }
  }
  return { body: Readable.from(watched(), { objectMode: false }), signal: controller.signal, stop };
}
