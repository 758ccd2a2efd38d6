// What a blob upload takes and gives, shared by the chunked and the streamed ways of sending it.
import type { Readable } from 'node:stream';
import type { RetryPolicy } from '../http/retry.js';
import type { BufferPool } from './buffer-pool.js';

export interface BlobBytes {
  /** A fresh pass over the bytes; called again to restart a blob whose session the registry lost. */
  open(): AsyncIterable<Uint8Array>;
  readonly restartable: boolean;
  /** What the bytes must hash to, when known before reading them. */
  readonly digest?: string;
  /**
   * `open()` checks its bytes against `digest` itself and throws before its last chunk is taken if they differ (a
   * registry blob read by readBlob): the upload does not hash them a second time.
   */
  readonly verified?: boolean;
  /**
   * Each chunk `open()` yields is only valid until the next is asked for: its buffer is then reused (a push's
   * compressed members, pooled). What keeps a chunk longer, as a streamed request's read-ahead does, copies it.
   */
  readonly transient?: boolean;
  /** The blob's size, when known before reading it: a streamed upload declares it. */
  readonly size?: number;
  /**
   * With `verified`: a pass over the bytes as one byte stream, sent as the streamed request's body as it is (no
   * generator per chunk). Its first `skip` bytes are read but not passed on; `onPassed` hears of each chunk passed on.
   */
  stream?(skip: number, onPassed: (bytes: number) => void): PassStream;
  /** Names the blob in errors, e.g. the archive entry. */
  readonly label: string;
  /**
   * Runs once every byte was read and matched `digest`, before the upload is committed, with the digest of the bytes;
   * throws to stop it (a DiffID check).
   */
  readonly verify?: (digest: string) => Promise<void> | void;
}

/** A pass as a stream: it fails instead of ending when its bytes are not the blob's. */
export interface PassStream extends Readable {
  /** Bytes read from the source (those skipped included). */
  readonly total: number;
  /** Every byte was read and checked. */
  readonly complete: boolean;
  /** What the stream failed with itself, as opposed to the request that consumed it. */
  readonly sourceError: unknown;
}

export interface UploadOptions {
  /** PATCH chunks of this size, for registries that need chunks; without it the blob streams in one request. */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  readonly retry?: RetryPolicy;
  readonly onSent?: (bytes: number) => void;
  /** The blob's session restarted: progress so far no longer counts. */
  readonly onRestart?: () => void;
  /** Where chunk buffers come from and go back to once sent. */
  readonly pool?: BufferPool;
}

export interface Uploaded {
  readonly digest: string;
  readonly size: number;
}
