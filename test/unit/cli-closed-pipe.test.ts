// `stevedore … | head`: a reader that closes the pipe early ends the CLI quietly (exit 0, nothing on stderr), not with
// an unhandled EPIPE stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { CLI } from '../harness/cli.js';

describe('CLI output into a closed pipe', () => {
  let dir: string;
  let archive: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-closed-pipe-'));
    archive = join(dir, 'app.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('pipe', 5_000)]), tags: ['pipe/app:1'] }]));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 without a stack trace when stdout is closed before it writes', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [CLI, 'inspect', archive], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  // `stevedore --help | head -1`: help and the version are written by the entry itself, which had no such guard.
  for (const [args, exit] of [[['--help'], 0], [['--version'], 0], [['ls', '--help'], 0], [['help', 'push'], 0], [[], 2]] as const) {
    it(`stevedore ${args.join(' ') || '(no arguments)'} into a closed pipe: exit ${exit}, no stack trace`, { timeout: 30_000 }, async () => {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '');
      assert.equal(code, exit);
    });
  }
});
