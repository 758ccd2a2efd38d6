// What `npm run dist` would ship, asked of electron-builder itself: it packs dist/ for Linux into a directory (with a
// stand-in for the Electron binary, which cannot be downloaded here) and the test lists the app.asar it wrote.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { run } from '../harness/exec.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(path: string, options: { isPack: boolean }): string[] };
const yaml = require('js-yaml') as { load(text: string): unknown };

const builderConfig = z.object({
  electronFuses: z.record(z.string(), z.boolean()),
  fileAssociations: z.array(z.object({ ext: z.array(z.string()), mimeType: z.string().optional() })),
  linux: z.object({ target: z.array(z.string()), mimeTypes: z.array(z.string()), icon: z.string() }),
  deb: z.object({ depends: z.array(z.string()).optional() }).optional(),
  rpm: z.object({ depends: z.array(z.string()) }),
  mac: z.object({ icon: z.string() }),
  win: z.object({ icon: z.string() }),
  asarUnpack: z.array(z.string()),
});

describe('the packaged app', () => {
  let dir: string;
  let files: ReadonlySet<string>;
  let unpacked: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-pack-'));
    const electronDist = join(dir, 'electron-dist');
    await run('mkdir', ['-p', electronDist]);
    await writeFile(join(electronDist, 'electron'), '#!/bin/sh\n');
    await chmod(join(electronDist, 'electron'), 0o755);
    const config = join(dir, 'config.json');
    // The real configuration, minus what needs the real Electron binary (fuses are flipped inside it).
    await writeFile(config, JSON.stringify({ extends: join(ROOT, 'build/electron-builder.yml'), electronDist, electronFuses: null, directories: { output: join(dir, 'out'), buildResources: join(ROOT, 'build') } }));
    await run(join(ROOT, 'node_modules/.bin/electron-builder'), ['--linux', 'dir', '--config', config, '--publish', 'never'], { cwd: ROOT, timeoutMs: 300_000, env: { ...process.env, CI: 'true' } });
    const resources = join(dir, 'out/linux-unpacked/resources');
    files = new Set(asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/')));
    unpacked = join(resources, 'app.asar.unpacked');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('holds the app: main, preload bundle, renderer, workers', () => {
    for (const file of ['/package.json', '/dist/app/main.mjs', '/dist/app/stevedore.mjs', '/dist/electron/main/main.js', '/dist/electron/preload/preload.cjs', '/dist/renderer/index.html', '/dist/electron/cli/main.js']) assert.ok(files.has(file), file);
  });

  it('ships no Electron runtime, no bundled-only packages, no tests, sources or maps', () => {
    const offenders = [...files].filter(
      (f) =>
        /^\/node_modules\/(electron|@electron\/get|react|react-dom|zustand|d3-hierarchy|scheduler|vite|typescript|electron-builder|playwright-core)(\/|$)/.test(f) ||
        f.startsWith('/dist/test/') ||
        f.endsWith('.map') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
        f.endsWith('.tsx') ||
        f === '/dist/electron/preload/preload.js',
    );
    assert.deepEqual(offenders.slice(0, 20), []);
  });

  it('carries what main and the workers load at run time', () => {
    for (const name of ['undici', 'ws', 'zod', 'tar-stream', 'pino']) assert.ok(files.has(`/node_modules/${name}/package.json`), name);
  });

  it('unpacks the native addon and the worker bundles from the asar', () => {
    for (const file of ['dist/electron/native/stevedore_gzip.node', 'dist/electron/core/workers/archive-worker.bundle.mjs', 'dist/electron/core/workers/xray-index-worker.bundle.mjs']) {
      assert.ok(existsSync(join(unpacked, file)), file);
    }
  });

  it('is configured with fuses, file associations, Linux dependencies and per-platform icons', async () => {
    const config = builderConfig.parse(yaml.load(await readFile(join(ROOT, 'build/electron-builder.yml'), 'utf8')));
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    const extensions = config.fileAssociations.flatMap((a) => a.ext);
    for (const ext of ['tar', 'tgz', 'tar.gz']) assert.ok(extensions.includes(ext), ext);
    assert.ok(config.linux.mimeTypes.includes('application/x-tar'));
    // deb keeps electron-builder's own list (which has libsecret-1-0); rpm's list is ours, so it names libsecret.
    assert.equal(config.deb?.depends, undefined);
    assert.ok(config.rpm.depends.includes('libsecret'));
    assert.ok(config.rpm.depends.includes('gtk3'));
    assert.equal(config.mac.icon, 'build/icon.icns');
    assert.equal(config.win.icon, 'build/icon.ico');
  });

  it('makes every platform icon from the one 1024 px source', async () => {
    const out = join(dir, 'icons');
    await run(process.execPath, [join(ROOT, 'build/make-icons.mjs'), '--out', out]);
    const ico = await readFile(join(out, 'icon.ico'));
    assert.equal(ico.readUInt16LE(2), 1);
    assert.equal(ico.readUInt16LE(4), 7);
    const icns = await readFile(join(out, 'icon.icns'));
    assert.equal(icns.toString('latin1', 0, 4), 'icns');
    assert.equal(icns.readUInt32BE(4), icns.length);
    for (const size of [16, 32, 48, 128, 256, 512, 1024]) {
      const png = await readFile(join(out, 'icons', `${size}x${size}.png`));
      assert.equal(png.readUInt32BE(16), size);
      assert.equal(png.readUInt32BE(20), size);
    }
  });
});
