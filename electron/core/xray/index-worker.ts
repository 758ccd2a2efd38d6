// Worker thread: indexes one layer whose stored bytes arrive as messages (decompression, tar parsing and hashing all
// happen here, off the thread that talks to the registry and serves the UI). Each chunk is acknowledged once taken
// in, which is the sender's backpressure.
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { StevedoreError, toErrorInfo } from '../errors.js';
import { indexLayerStream } from './index-layer.js';
import type { IndexWorkerIn, IndexWorkerOut } from './index-worker-messages.js';
import type { FramerLimits } from './tar-framer.js';

const port = parentPort;
const { limits } = workerData as { limits?: FramerLimits };
const post = (message: IndexWorkerOut): void => port?.postMessage(message);

let waiting = 0;
const input = new Readable({
  read() {
    // Room again: acknowledge what was held back.
    for (; waiting > 0; waiting--) post({ type: 'ack' });
  },
});

port?.on('message', (message: IndexWorkerIn) => {
  if (message.type === 'chunk') {
    if (input.push(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength))) post({ type: 'ack' });
    else waiting++;
  } else if (message.type === 'end') input.push(null);
  else input.destroy(new StevedoreError('CANCELLED', 'cancelled'));
});

try {
  const result = await indexLayerStream(input, limits ? { limits } : {});
  post({ type: 'done', result });
} catch (error) {
  post({ type: 'error', error: toErrorInfo(error), engineError: error instanceof StevedoreError });
}
