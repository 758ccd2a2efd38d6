// Worker thread: compresses blocks as independent gzip members (their concatenation is one valid gzip stream).
// A block that does not shrink when sampled (random or already-compressed bytes) is stored rather than searched
// for matches, which costs a copy instead of seconds of CPU.
import { parentPort } from 'node:worker_threads';
import { deflateRawSync, gzipSync } from 'node:zlib';
import type { WorkerReply, WorkerTask } from './messages.js';

const SAMPLE = 64 * 1024;

function incompressible(data: Uint8Array): boolean {
  if (data.length < SAMPLE * 2) return false;
  const middle = Math.floor(data.length / 2);
  const sample = data.subarray(middle, middle + SAMPLE);
  return deflateRawSync(sample, { level: 1 }).length > sample.length * 0.97;
}

parentPort?.on('message', (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const level = incompressible(task.data) ? 0 : task.level;
    const out = gzipSync(task.data, { level, memLevel: 9 });
    const data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    reply = { id: task.id, ok: true, data };
    const owns = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength;
    parentPort?.postMessage(reply, owns ? [data.buffer as ArrayBuffer] : []);
  } catch (error) {
    reply = { id: task.id, ok: false, message: (error as Error).message };
    parentPort?.postMessage(reply);
  }
});
