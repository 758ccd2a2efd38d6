// Child process for memory tests: inspects one archive (on the worker thread, as the app does) and prints the outcome
// and the process' peak resident memory, so a test can bound it without the test runner's own memory in the way.
import { inspectArchive } from '../../electron/core/archive/inspect-archive.js';
import { toErrorInfo } from '../../electron/core/errors.js';

const path = process.argv[2] as string;
let outcome: { ok: boolean; code?: string; message?: string };
try {
  await inspectArchive(path);
  outcome = { ok: true };
} catch (error) {
  const info = toErrorInfo(error);
  outcome = { ok: false, code: info.code, message: info.message };
}
process.stdout.write(`${JSON.stringify({ ...outcome, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
