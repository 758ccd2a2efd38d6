// What a short command loads: `--version` and `--help` are answered by the CLI's entry file alone (no module of ours
// or of a dependency is resolved for them).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLI } from '../harness/cli.js';

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

  it('a parse error is still one clean line with exit code 2', async () => {
    const result = await run([CLI, '--no-such-option']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'stevedore: unknown option --no-such-option; see stevedore --help\n');
  });
});
