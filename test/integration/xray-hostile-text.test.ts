// An image's files are text from outside: a file name (or the archive's image name) may hold a line break (forging
// rows of `stevedore files`), escape sequences or bidi overrides, and a text file's content may hold escape sequences
// that retitle or clear the terminal. On a terminal none of it may act; piped, `cat` still gives the file as it is.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { legacyDockerArchive, rawTar, testImage, writeTar } from '../harness/archives.js';
import { CLI, runCli } from '../harness/cli.js';

const FORGED = 'x\n1.0 GB  1      /etc/shadow';
const MOTD = 'hello\x1b]0;pwned\x07\x1b[2J world\r\nsecond line\roverwritten\n\u202eevil\tend\n';

/** Runs the CLI with its stdout on a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', command, '/dev/null'], { env, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${stderr}${stdout}`)) : resolve(stdout)));
  });
}

describe('x-ray of an image with hostile names and text', () => {
  let dir: string;
  let archive: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-xray-text-'));
    const layer = rawTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/motd', data: Buffer.from(MOTD) },
      { name: FORGED, data: Buffer.from('tiny') },
      { name: 'bidi\u202egnp.exe', data: Buffer.from('not a png') },
    ]);
    archive = join(dir, 'image.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([layer]), tags: ['hostile/text:1\nFORGED (linux/amd64): 0 paths'] }]));
    await writeFile(join(dir, 'config.json'), '{}');
    env = { ...process.env, DOCKER_CONFIG: dir, STEVEDORE_CACHE_DIR: join(dir, 'cache') };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('files: one row per path, its line break and controls escaped', async () => {
    const result = await runCli(['files', archive], env);
    assert.equal(result.code, 0, result.stderr);
    // eslint-disable-next-line no-control-regex -- looking for them is the point
    assert.doesNotMatch(result.stdout, /[\x1b\u202e]/);
    const lines = result.stdout.split('\n');
    assert.ok(!lines.some((l) => l.trimStart().startsWith('1.0 GB') || l.startsWith('FORGED')), `a forged row was printed:\n${result.stdout}`);
    assert.ok(lines.some((l) => l.endsWith('/x\\x0a1.0 GB  1      /etc/shadow')), result.stdout);
    assert.ok(lines.some((l) => l.endsWith('/bidi\\u202egnp.exe')), result.stdout);
  });

  it('cat on a terminal escapes the file\'s controls, keeping its lines and tabs', async () => {
    const shown = (await onTerminal(['cat', archive, '/etc/motd'], env)).replace(/\r+\n/g, '\n');
    // eslint-disable-next-line no-control-regex -- looking for them is the point
    assert.doesNotMatch(shown, /[\x07\x1b\u202e]|\r/);
    assert.equal(shown, 'hello\\x1b]0;pwned\\x07\\x1b[2J world\nsecond line\\x0doverwritten\n\\u202eevil\tend\n');
  });

  it('cat into a pipe gives the file unchanged', async () => {
    const result = await runCli(['cat', archive, '/etc/motd'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, MOTD);
  });
});
