// Until the Vite renderer exists, dist/renderer holds the static page from renderer/static.
import { cp, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';

if (!existsSync('dist/renderer/.vite-build')) {
  await mkdir('dist/renderer', { recursive: true });
  await cp('renderer/static', 'dist/renderer', { recursive: true });
}
