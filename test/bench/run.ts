// `npm run bench`: runs each benchmark and prints its figures as a table, beside the targets and skopeo.
// `npm run bench -- browse`, `-- ui` or `-- push` runs one.
import { table } from '../../electron/cli/format.js';
import { browseBenchmark } from './browse.js';
import { pushBenchmark } from './push.js';
import { uiBenchmark } from './ui.js';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const only = process.argv[2];

if (!only || only === 'browse') {
  const browse = await browseBenchmark(log);
  process.stdout.write(`\nBrowse (distribution 2.8 on loopback, no auth; plain = undici keep-alive, same requests and concurrency, same run)\n${table(['MEASURE', 'STEVEDORE', 'PLAIN CLIENT', 'RATIO', 'TARGET'], browse.rows)}\n`);
}
if (!only || only === 'ui') {
  const ui = await uiBenchmark(log);
  process.stdout.write(`\nUI (headless Chromium, the real renderer via the web host)\n${table(['MEASURE', 'STEVEDORE', 'TARGET'], ui)}\n`);
}
if (!only || only === 'push') {
  const push = await pushBenchmark(log);
  process.stdout.write(`\nPush (docker-archive of ~1 GB in four layers, distribution 2.8 on loopback)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'SKOPEO'], push)}\n`);
}
