// `npm run bench`: runs each benchmark and prints its figures as a table, beside the targets and skopeo.
import { table } from '../../electron/cli/format.js';
import { browseBenchmark } from './browse.js';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

const browse = await browseBenchmark(log);
process.stdout.write(`\nBrowse (distribution 2.8 on loopback, no auth)\n${table(['MEASURE', 'STEVEDORE', 'TARGET', 'SKOPEO'], browse.rows)}\n`);
