// Bundles with esbuild what must stand alone or start fast:
// - the preload: it runs sandboxed, where only CommonJS and the `electron` module exist;
// - the workers (archive index, layer x-ray): they start from app.asar.unpacked in the packaged app, so each carries
//   its own modules;
// - the CLI, `npm start` and the Electron main process: one file each plus shared chunks (commands still load on
//   demand), because resolving and compiling hundreds of small modules was most of a short command's time.
// tsc's unbundled output stays in dist/ for the tests; the bundles go to dist/app/.
import { readFile, rm } from 'node:fs/promises';
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
