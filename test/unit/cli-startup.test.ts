// What a short command loads: `--version` and `--help` are answered by the CLI's entry file alone (no module of ours
// or of a dependency is resolved for them); a command's compiled code is cached (electron/cli/load-commands.ts), and a
// damaged cache costs nothing but the compilation.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { CLI, CLI_CJS } from '../harness/cli.js';

function run(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** True when a bundle file holds source modules (esbuild marks each with a `// path` comment), not only its runtime. */
async function holdsModules(path: string): Promise<boolean> {
  return /^\/\/ (electron|shared|node_modules)\//m.test(await readFile(path, 'utf8'));
}

describe('CLI start-up', () => {
  let dir: string;
  let hooks: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-startup-'));
    // A module loader hook that writes every file URL it resolves to a log (hooks run on their own thread).
    const log = join(dir, 'resolved.log');
    const hook = join(dir, 'hook.mjs');
    await writeFile(
      hook,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`,
    );
    hooks = join(dir, 'register.mjs');
    await writeFile(hooks, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const args of [['--version'], ['--help'], ['push', '--help'], ['help', 'copy']]) {
    it(`stevedore ${args.join(' ')} loads nothing beyond the entry`, async () => {
      const log = join(dir, 'resolved.log');
      await writeFile(log, '');
      const result = await run(['--import', hooks, CLI, ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.notEqual(result.stdout, '');
      const loaded = (await readFile(log, 'utf8')).split('\n').filter((url) => url !== '' && !url.endsWith('/register.mjs') && !url.endsWith('/hook.mjs'));
      assert.ok(loaded.includes(pathToFileURL(CLI).href), `the entry itself was resolved: ${loaded.join(', ')}`);
      for (const url of loaded.filter((u) => u !== pathToFileURL(CLI).href)) {
        assert.equal(await holdsModules(fileURLToPath(url)), false, `${url} was loaded for ${args.join(' ')}`);
      }
    });
  }

  // The CommonJS entry bin/stevedore runs: nothing but itself, and never Node's ES module loader (a dynamic import()
  // would load it).
  for (const args of [['--version'], ['--help'], ['push', '--help'], ['help', 'copy']]) {
    it(`stevedore.cjs ${args.join(' ')} loads nothing beyond the entry, and no ES module loader`, async () => {
      const probe = join(dir, 'cjs-probe.cjs');
      await writeFile(
        probe,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'cjs.json'))}, JSON.stringify({ files: Object.keys(require.cache), esm: process.moduleLoadList.includes('NativeModule internal/modules/esm/loader') })));\n`,
      );
      const result = await run(['--require', probe, CLI_CJS, ...args]);
      assert.equal(result.code, 0, result.stderr);
      assert.notEqual(result.stdout, '');
      assert.equal(result.stdout, (await run([CLI, ...args])).stdout, 'the same answer as the ES module entry');
      const { files, esm } = JSON.parse(await readFile(join(dir, 'cjs.json'), 'utf8')) as { files: string[]; esm: boolean };
      assert.deepEqual(files.filter((file) => file !== probe), [CLI_CJS]);
      assert.equal(esm, false);
    });
  }

  it('stevedore.cjs: a parse error is one clean line with exit code 2', async () => {
    const result = await run([CLI_CJS, '--no-such-option']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'stevedore: unknown option --no-such-option; see stevedore --help\n');
  });

  it('a parse error is still one clean line with exit code 2', async () => {
    const result = await run([CLI, '--no-such-option']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'stevedore: unknown option --no-such-option; see stevedore --help\n');
  });

  describe('the code cache', () => {
    let archive: string;
    let cacheDir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      archive = join(dir, 'app.tar');
      await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('startup', 5_000)]), tags: ['startup/app:1'] }]));
      cacheDir = join(dir, 'cache');
      env = { ...process.env, STEVEDORE_CACHE_DIR: cacheDir };
    });
    const cacheFiles = async (): Promise<string[]> => (await readdir(join(cacheDir, 'code')).catch(() => [])).sort();

    it('stevedore.cjs runs a command as stevedore.mjs does, from the same code cache', async () => {
      const own = { ...process.env, STEVEDORE_CACHE_DIR: join(dir, 'cjs-cache') };
      const viaModule = await run([CLI, 'inspect', archive], own);
      assert.equal(viaModule.code, 0, viaModule.stderr);
      const files = await readdir(join(dir, 'cjs-cache', 'code'));
      const viaScript = await run([CLI_CJS, 'inspect', archive], own);
      assert.equal(viaScript.code, 0, viaScript.stderr);
      assert.equal(viaScript.stdout, viaModule.stdout);
      assert.match(viaScript.stdout, /docker-archive/);
      assert.deepEqual(await readdir(join(dir, 'cjs-cache', 'code')), files);
      const failed = await run([CLI_CJS, 'inspect', join(dir, 'missing.tar')], own);
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /^stevedore: .*missing\.tar/);
    });

    it('a failed command saves no cache', async () => {
      const result = await run([CLI, 'inspect', join(dir, 'missing.tar')], env);
      assert.notEqual(result.code, 0);
      assert.deepEqual(await cacheFiles(), []);
    });

    it('the first run of a command saves one, the next runs from it with the same result', async () => {
      const first = await run([CLI, 'inspect', archive], env);
      assert.equal(first.code, 0, first.stderr);
      const files = await cacheFiles();
      assert.equal(files.length, 1);
      const saved = await readFile(join(cacheDir, 'code', files[0] as string));
      const second = await run([CLI, 'inspect', archive], env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, first.stdout);
      assert.deepEqual(await cacheFiles(), files);
      assert.deepEqual(await readFile(join(cacheDir, 'code', files[0] as string)), saved, 'an accepted cache is not written again');
    });

    it('a damaged cache is rejected and replaced, and the command still works', async () => {
      const [file] = await cacheFiles();
      assert.ok(file);
      const path = join(cacheDir, 'code', file);
      const good = await readFile(path);
      const expected = (await run([CLI, 'inspect', archive], env)).stdout;
      // V8 checks no checksum of a cache's payload: flipped bytes past its header would run as they are.
      const flipped = Buffer.from(good);
      for (let at = 64; at < flipped.length; at += 97) flipped[at] = (flipped[at] as number) ^ 0x55;
      for (const damaged of [Buffer.from('not a code cache'), good.subarray(0, good.length >> 1), Buffer.alloc(good.length, 0x5a), flipped]) {
        await writeFile(path, damaged);
        const result = await run([CLI, 'inspect', archive], env);
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, expected);
        assert.notDeepEqual(await readFile(path), damaged, 'the damaged cache was replaced');
      }
    });

    it('a command that loads a built-in on demand runs from its cache too (gzip-wrapped archive, a missing file)', async () => {
      // node:zlib and node:worker_threads load only on these paths; a script made from V8's code cache has no dynamic
      // import callback, so an import() left in the bundle failed on every run after the first.
      const gz = join(dir, 'app.tar.gz');
      await writeTar(gz, legacyDockerArchive([{ image: testImage([await layerTar('startup-gz', 5_000)]), tags: ['startup/gz:1'] }]), true);
      const own = { ...process.env, STEVEDORE_CACHE_DIR: join(dir, 'cache-builtins') };
      const first = await run([CLI, 'inspect', gz], own);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      assert.equal((await readdir(join(dir, 'cache-builtins', 'code'))).length, 1);
      const second = await run([CLI, 'inspect', gz], own);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stderr, '');
      assert.equal(second.stdout, first.stdout);
      const missing = await run([CLI, 'inspect', join(dir, 'missing.tar')], own);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^stevedore: archive .*missing\.tar does not exist \[NOT_FOUND\]\n$/);
    });

    it('--no-cache neither reads nor writes the code cache', async () => {
      const own = join(dir, 'no-cache');
      const result = await run([CLI, 'inspect', '--no-cache', archive], { ...process.env, STEVEDORE_CACHE_DIR: own });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(await readdir(join(own, 'code')).catch(() => []), []);
    });

    it('a cache directory that is a file costs only the cache', async () => {
      const file = join(dir, 'not-a-dir');
      await writeFile(file, 'x');
      const result = await run([CLI, 'inspect', archive], { ...process.env, STEVEDORE_CACHE_DIR: file });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /docker-archive/);
    });

    it('a cache folder others may write is neither read nor written (a symlink planted at a temp name would be written through)', { skip: process.platform === 'win32' || process.getuid?.() === undefined }, async () => {
      const shared = join(dir, 'shared-cache');
      await mkdir(join(shared, 'code'), { recursive: true });
      await chmod(join(shared, 'code'), 0o777);
      const result = await run([CLI, 'inspect', archive], { ...process.env, STEVEDORE_CACHE_DIR: shared });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /docker-archive/);
      assert.deepEqual(await readdir(join(shared, 'code')), [], 'nothing saved where others may write');
    });

    it('a cache others may write is not used, and the one saved instead is private', { skip: process.platform === 'win32' }, async () => {
      const [file] = await cacheFiles();
      assert.ok(file);
      const path = join(cacheDir, 'code', file);
      const good = await readFile(path);
      const expected = (await run([CLI, 'inspect', archive], env)).stdout;
      // A copy of a good cache that another user could have swapped: its inode changes when it is saved again.
      await writeFile(`${path}.shared`, good);
      await chmod(`${path}.shared`, 0o666);
      await rename(`${path}.shared`, path);
      const before = (await stat(path)).ino;
      const result = await run([CLI, 'inspect', archive], env);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, expected);
      const saved = await stat(path);
      assert.notEqual(saved.ino, before, 'the world-writable cache was ignored and saved again');
      assert.equal(saved.mode & 0o077, 0);
      assert.equal((await stat(join(cacheDir, 'code'))).mode & 0o077, 0);
    });
  });
});
