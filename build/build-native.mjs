// Builds the libdeflate gzip addon (electron/native) with node-gyp and copies it next to the compiled engine.
// Without a C compiler or libdeflate the app still works, compressing with zlib on worker threads, so a failed
// build is one warning line, unless STEVEDORE_REQUIRE_NATIVE=1 (CI and benchmarks) makes it an error.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'electron/native');
const built = join(source, 'build/Release/stevedore_gzip.node');
const target = join(root, 'dist/electron/native/stevedore_gzip.node');
const required = process.env.STEVEDORE_REQUIRE_NATIVE === '1';

function nodeGyp() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  const bundled = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  return existsSync(bundled) ? [process.execPath, bundled] : ['node-gyp'];
}

// Node's own headers when they are installed beside it: node-gyp would otherwise try to download them.
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function gyp(...args) {
  const [command, ...first] = nodeGyp();
  return spawnSync(command, [...first, ...args, ...nodedirArgs()], { cwd: source, encoding: 'utf8' });
}

let result = existsSync(join(source, 'build/Makefile')) || existsSync(join(source, 'build/config.gypi')) ? { status: 0 } : gyp('configure');
if (result.status === 0) result = gyp('build');
if (result.status === 0 && existsSync(built)) {
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(built, target);
} else {
  const lines = `${result.error?.message ?? ''}\n${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').map((l) => l.trim());
  // The compiler's own first complaint names the cause (a missing header, no compiler); node-gyp's lines only echo it.
  const why = lines.find((l) => /fatal error|No such file|not found|ENOENT/i.test(l)) ?? lines.find((l) => /error/i.test(l));
  process.stderr.write(`stevedore: the libdeflate gzip addon was not built (${why || 'node-gyp failed'}); pushes will compress with zlib, which is slower\n`);
  if (required) process.exit(1);
}
