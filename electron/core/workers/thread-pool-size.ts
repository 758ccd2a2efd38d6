// Imported first by every entry point: libuv sizes its thread pool when it first queues work, and the pool serves
// both file reads and native compression, so it gets a thread per core plus room for reads.
import { availableParallelism } from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
