// What a request may carry: text, bytes (replayable, so retried) or a stream (sent once).
import type { Readable } from 'node:stream';

export type RequestBody = string | Uint8Array | Readable;
