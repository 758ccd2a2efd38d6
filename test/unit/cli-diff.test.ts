// `stevedore diff A B` names the images in the order given, the way its sizes read (A's size → B's size).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diffCommand } from '../../electron/cli/commands/diff.js';
import { terminalOutput } from '../../electron/cli/output.js';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';

describe('stevedore diff', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-cli-diff-'));
    const base = await layerTar('diff-base', 10_000);
    await writeTar(join(dir, 'small.tar'), legacyDockerArchive([{ image: testImage([base]), tags: ['diff/app:small'] }]));
    await writeTar(join(dir, 'big.tar'), legacyDockerArchive([{ image: testImage([base, await layerTar('diff-more', 30_000)]), tags: ['diff/app:big'] }]));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('heads its answer "A → B", in the order the images were given', async () => {
    let text = '';
    const out = terminalOutput({ write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream);
    // noCache: nothing written to the user's layer-index cache.
    await diffCommand([join(dir, 'small.tar'), join(dir, 'big.tar')], { json: false, noCache: true, insecure: false, plainHttp: false }, out, new AbortController().signal);
    const head = text.split('\n')[0] ?? '';
    assert.match(head, /^\S*diff\/app:small → \S*diff\/app:big: \+/);
  });
});
