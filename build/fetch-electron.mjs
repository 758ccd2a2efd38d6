// `npm install` (prepare): fetch the Electron runtime for `npm start`, tolerantly. Electron's own postinstall is not
// allowed to run (package.json allowScripts) because its failure would fail the whole install on a machine that
// cannot download it; here a failure is one line, and `npm start` serves the app to a browser instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || process.env.CI) process.exit(0);
let root;
try {
  root = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
} catch {
  process.exit(0); // a production install: no Electron to fetch
}
const pathFile = join(root, 'path.txt');
if (existsSync(pathFile) && existsSync(join(root, 'dist', readFileSync(pathFile, 'utf8')))) process.exit(0);
const result = spawnSync(process.execPath, [join(root, 'install.js')], { encoding: 'utf8', timeout: 10 * 60_000 });
if (result.status !== 0) {
  const lines = `${result.error?.message ?? ''}\n${result.stderr ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /Error|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l)) ?? 'download failed';
  process.stderr.write(`stevedore: the Electron runtime could not be downloaded (${why.slice(0, 160)}); npm start will serve the app to a browser instead\n`);
}
