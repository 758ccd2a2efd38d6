// Files that must stand alone: the preload runs sandboxed, where only CommonJS and the `electron` module exist; the
// archive worker starts from app.asar.unpacked in the packaged app, so it carries its own modules (tar-stream).
import { build } from 'esbuild';

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
  entryPoints: ['electron/core/workers/archive-worker.ts'],
  outfile: 'dist/electron/core/workers/archive-worker.bundle.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // tar-stream's CommonJS dependencies require Node built-ins, which an ES module bundle cannot do by itself.
  banner: { js: "import { createRequire as stevedoreCreateRequire } from 'node:module'; const require = stevedoreCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
