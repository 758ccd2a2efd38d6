// Worker thread: compresses blocks as independent gzip members (their concatenation is one valid gzip stream).
import { parentPort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { WorkerReply, WorkerTask } from './messages.js';

parentPort?.on('message', (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const out = gzipSync(task.data, { level: task.level, memLevel: 9 });
    const data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    reply = { id: task.id, ok: true, data };
    parentPort?.postMessage(reply, [data.buffer as ArrayBuffer]);
  } catch (error) {
    reply = { id: task.id, ok: false, message: (error as Error).message };
    parentPort?.postMessage(reply);
  }
});
