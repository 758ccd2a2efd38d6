// Worker thread: indexes the layers whose stored bytes arrive as messages, several at once (decompression runs on
// libuv's thread pool, parsing and hashing here, off the thread that talks to the registry and serves the UI). Each
// chunk is acknowledged once taken in, which is the sender's backpressure for that layer.
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { StevedoreError, toErrorInfo } from '../errors.js';
import { indexLayerStream } from './index-layer.js';
import type { IndexWorkerIn, IndexWorkerOut } from './index-worker-messages.js';
import type { FramerLimits } from './tar-framer.js';

const port = parentPort;
const post = (message: IndexWorkerOut): void => port?.postMessage(message);

interface Job {
  readonly input: Readable;
  /** Chunks taken in but not acknowledged, because the input was full. */
  waiting: number;
}

const jobs = new Map<number, Job>();

function start(id: number, limits: FramerLimits | undefined): void {
  const input = new Readable({
    read() {
      // Room again: acknowledge what was held back.
      for (; job.waiting > 0; job.waiting--) post({ type: 'ack', id });
    },
  });
  const job: Job = { input, waiting: 0 };
  jobs.set(id, job);
  indexLayerStream(input, limits ? { limits } : {})
    .then(
      (result) => post({ type: 'done', id, result }),
      (error: unknown) => post({ type: 'error', id, error: toErrorInfo(error), engineError: error instanceof StevedoreError }),
    )
    .finally(() => jobs.delete(id));
}

port?.on('message', (message: IndexWorkerIn) => {
  if (message.type === 'start') return start(message.id, message.limits);
  const job = jobs.get(message.id);
  if (!job) return;
  if (message.type === 'chunk') {
    if (job.input.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength))) post({ type: 'ack', id: message.id });
    else job.waiting++;
  } else if (message.type === 'end') job.input.push(null);
  else job.input.destroy(new StevedoreError('CANCELLED', 'cancelled'));
});
