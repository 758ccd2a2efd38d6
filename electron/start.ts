// `npm start`: the desktop app; where Electron cannot start (not downloaded, no display), the same UI in a browser.
import './core/workers/thread-pool-size.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServing } from './web/start.js';
import { startCliLog } from './cli/logging.js';

function electronBinary(): { path?: string; why?: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { why: 'the Electron runtime was not downloaded' };
  } catch {
    return { why: 'the Electron runtime could not be downloaded' };
  }
}

const { path, why } = electronBinary();
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
if (path && !headless) {
  const appRoot = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn(path, [appRoot], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const reason = why ?? 'there is no display';
  try {
    await startCliLog({ verbose: false, command: 'serve', version: process.env.npm_package_version ?? '0.1.0' });
  } catch (error) {
    process.stderr.write(`stevedore: no log: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  const web = await startServing(process.env.STEVEDORE_PORT ? { port: Number(process.env.STEVEDORE_PORT) } : {});
  process.stdout.write(`Stevedore desktop cannot start here (${reason}); serving the same UI at ${web.url}\n`);
  // Stopping deletes the uploads; so does any exit (the upload directory's exit hook).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void web.close().finally(() => process.exit(0)));
}
