// Builds the renderer into dist/renderer with relative paths, so Electron can load it from a file and the web host
// can serve it. JSX goes through Vite's own esbuild; no Babel.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: {
    root: '.',
    include: ['renderer/src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    globals: true,
  },
});
