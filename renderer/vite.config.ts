// Builds the renderer into dist/renderer with relative paths, so Electron can load it from a file and the web host
// can serve it. JSX goes through Vite's own esbuild; no Babel.
import { defineConfig, type Plugin } from 'vite';

/**
 * The entry (main.tsx) sends the first requests, then imports React and the views (render.tsx): the page asks for
 * that chunk from the start, so it downloads and compiles while the entry runs and the host answers.
 */
const preloadRender: Plugin = {
  name: 'stevedore-preload-render',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(_html, context) {
      const chunk = Object.values(context.bundle ?? {}).find((item) => item.type === 'chunk' && item.moduleIds.some((id) => id.endsWith('/src/render.tsx')));
      return chunk ? [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' }] : [];
    },
  },
};

export default defineConfig({
  root: 'renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [preloadRender],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: {
    root: '.',
    include: ['renderer/src/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    globals: true,
  },
});
