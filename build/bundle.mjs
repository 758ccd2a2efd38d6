// Bundles with esbuild what must stand alone or start fast:
// - the preload: it runs sandboxed, where only CommonJS and the `electron` module exist;
// - the workers (archive index, layer x-ray): they start from app.asar.unpacked in the packaged app, so each carries
//   its own modules;
// - the CLI, `npm start` and the Electron main process: one file each plus shared chunks (commands still load on
//   demand), because resolving and compiling hundreds of small modules was most of a short command's time.
// tsc's unbundled output stays in dist/ for the tests; the bundles go to dist/app/.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const APP_OUT = join(root, 'dist/app');

// `new URL('../../native/x.node', import.meta.url)` names a file relative to the module's place in dist/; in a bundle
// the module's code moves to dist/app/, so the relative path is rewritten to still name the same file.
const keepAssetUrls = {
  name: 'keep-asset-urls',
  setup(b) {
    b.onLoad({ filter: /electron[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const compiledDir = join(root, 'dist', relative(root, dirname(args.path)));
      const contents = source.replace(/new URL\((['"])([^'"]+)\1, import\.meta\.url\)/g, (_match, quote, target) => {
        const rebased = relative(APP_OUT, resolve(compiledDir, target)).replaceAll('\\', '/');
        return `new URL(${quote}${rebased.startsWith('.') ? rebased : `./${rebased}`}${quote}, import.meta.url)`;
      });
      return { contents, loader: 'ts' };
    });
  },
};

// CommonJS dependencies (tar-stream's, pino's) call require(), which an ES module bundle lacks on its own.
const requireShim = "import { createRequire as stevedoreCreateRequire } from 'node:module'; const require = stevedoreCreateRequire(import.meta.url);";

await build({
  entryPoints: ['electron/preload/preload.ts'],
  outfile: 'dist/electron/preload/preload.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  logLevel: 'warning',
});

await build({
  entryPoints: {
    'archive-worker.bundle': 'electron/core/workers/archive-worker.ts',
    'xray-index-worker.bundle': 'electron/core/xray/index-worker.ts',
  },
  outdir: 'dist/electron/core/workers',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: requireShim },
  logLevel: 'warning',
});

// Chunk names carry a content hash: without clearing, every build would leave the last one's chunks behind.
await rm(APP_OUT, { recursive: true, force: true });
await build({
  entryPoints: { stevedore: 'electron/cli/main.ts', start: 'electron/start.ts', main: 'electron/main/main.ts' },
  outdir: APP_OUT,
  outExtension: { '.js': '.mjs' },
  // Chunks sit beside the entries: the rebased asset URLs are relative to dist/app/ itself.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['electron'],
  banner: { js: requireShim },
  plugins: [keepAssetUrls],
  legalComments: 'none',
  logLevel: 'warning',
});

// The CLI's entry once more, as CommonJS, for bin/stevedore: a CommonJS main never loads Node's ES module loader (about
// 19 built-in modules). Its dynamic imports of our modules are inlined (esbuild makes them requires), but for the
// commands' ES module fallback (load-commands.ts, used only without commands.cjs): that stays tsc's output.
// What the CommonJS bundles share: import.meta.url becomes what it would be for a module at the bundle's place.
const MODULE_URL = "var __stevedoreModuleUrl = require('node:url').pathToFileURL(__filename).href;";
const commonJsFile = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  define: { 'import.meta.url': '__stevedoreModuleUrl' },
  legalComments: 'none',
  logLevel: 'warning',
};
const esmFallback = {
  name: 'esm-fallback',
  setup(b) {
    b.onResolve({ filter: /^\.\/run-command\.js$/ }, () => ({ path: '../electron/cli/run-command.js', external: true }));
  },
};
await build({
  ...commonJsFile,
  entryPoints: ['electron/cli/main.ts'],
  outfile: join(APP_OUT, 'stevedore.cjs'),
  // Strict as the ES module is: the directive esbuild writes comes after the banner, where it means nothing.
  banner: { js: `'use strict'; ${MODULE_URL}` },
  plugins: [keepAssetUrls, esmFallback],
});

// undici's HTTP/2 client loads node:http2 (and with it TLS) when its module is evaluated; we never enable HTTP/2
// (allowH2), and undici itself falls back to this object where node:http2 is missing.
const noHttp2 = {
  name: 'no-http2',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http2$/ }, (args) => (/undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(args.importer) ? { path: 'http2', namespace: 'no-http2' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-http2' }, () => ({ contents: 'module.exports = { constants: {} };', loader: 'js' }));
  },
};

// import() of a built-in, in a script vm.Script runs, goes through Node's ES module loader (which then loads, about 14 M
// instructions) and warns that USE_MAIN_CONTEXT_DEFAULT_LOADER is experimental: a require() does the same job. And a
// script compiled from V8's code cache has lost its dynamic import callback: an import() left in it failed on every run
// after a command's first with "A dynamic import callback was not specified" (node:zlib for a gzip-wrapped archive,
// node:worker_threads for a large or missing one).
const builtinImportsAsRequires = {
  name: 'builtin-imports-as-requires',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-require' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

// The commands once more, as one CommonJS file the CLI's entry runs with a V8 code cache (electron/cli/load-commands.ts):
// Node 20 caches compiled code only for scripts, not for ES modules. Dynamic imports of our modules are inlined.
await build({
  ...commonJsFile,
  entryPoints: ['electron/cli/run-command.ts'],
  outfile: join(APP_OUT, 'commands.cjs'),
  banner: { js: MODULE_URL },
  plugins: [keepAssetUrls, noHttp2, builtinImportsAsRequires],
});
// ASCII only: one other character anywhere (esbuild escapes them in code but keeps comments as written, and zod's have
// an em dash) makes V8 hold the whole 1.6 MB source as two-byte text, which doubled the CPU of reading it at each start.
// \u escapes mean the same in strings, regular expressions and identifiers, and nothing in comments.
const asciiOnly = (await readFile(join(APP_OUT, 'commands.cjs'), 'utf8')).replace(/[\u0080-\u{10ffff}]/gu, (c) => {
  const code = c.codePointAt(0);
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
});
await writeFile(join(APP_OUT, 'commands.cjs'), asciiOnly);
// Headed by the hash of its bytes, which names its code cache: hashing 1.5 MB at every start would cost 15 ms.
const commands = await readFile(join(APP_OUT, 'commands.cjs'));
await writeFile(join(APP_OUT, 'commands.cjs'), Buffer.concat([Buffer.from(`// stevedore-commands sha256:${createHash('sha256').update(commands).digest('hex')}\n`), commands]));
