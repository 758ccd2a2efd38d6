// `npm run bench`: runs each benchmark and prints its figures as a table, beside the targets and skopeo.
// `npm run bench -- browse`, `-- ui`, `-- push`, `-- copy`, `-- xray` or `-- startup` runs one; `-- seed` only seeds
// the browse benchmark's registry.
import { table } from '../../electron/cli/format.js';
import { browseBenchmark } from './browse.js';
import { copyBenchmark } from './copy.js';
import { pushBenchmark } from './push.js';
import { startupBenchmark } from './startup.js';
import { openScaleRegistry } from './scale-seed.js';
import { uiBenchmark } from './ui.js';
import { xrayBenchmark } from './xray.js';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const only = process.argv[2];

if (only === 'seed') {
  // Only fills (or finishes filling) the reusable storage the browse benchmark reads.
  const { reg } = await openScaleRegistry(log);
  await reg.stop();
}
if (!only || only === 'browse') {
  const browse = await browseBenchmark(log);
  process.stdout.write(`\nBrowse at scale (distribution 2.8 on loopback, no auth)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'PLAIN CLIENT'], browse.rows)}\n`);
}
if (!only || only === 'ui') {
  const ui = await uiBenchmark(log);
  process.stdout.write(`\nUI (headless Chromium, the real renderer via the web host)\n${table(['MEASURE', 'STEVEDORE', 'TARGET'], ui)}\n`);
}
if (!only || only === 'push') {
  const push = await pushBenchmark(log);
  process.stdout.write(`\nPush (docker-archive of ~1 GB in four layers, distribution 2.8 on loopback)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'SKOPEO'], push)}\n`);
}
if (!only || only === 'xray') {
  const xray = await xrayBenchmark(log);
  process.stdout.write(`\nLayer X-ray (the push benchmark's image in a local registry; the limit: curl | gzip -dc | sha256sum, two at a time)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'LIMIT'], xray)}\n`);
}
if (!only || only === 'copy') {
  const copy = await copyBenchmark(log);
  process.stdout.write(`\nCopy and export (the push benchmark's ~1 GB image, registry to registry and to a docker-archive, distribution 2.8 on loopback)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'SKOPEO'], copy)}\n`);
}
if (!only || only === 'startup') {
  const startup = await startupBenchmark(log);
  process.stdout.write(`\nShort commands (a small docker-archive, distribution 2.8 on loopback; median wall and CPU time)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'SKOPEO'], startup)}\n`);
}
