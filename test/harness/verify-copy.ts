// Checks a copied or exported image with skopeo, an independent client: the raw manifest is the source's bytes, and
// skopeo can pull everything it names (verifying every digest on the way).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import type { TestRegistry } from './registry.js';
import { prepareSkopeoCerts, skopeoTlsArgs } from './tools.js';

export const sha = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function inspectArgs(reg: TestRegistry): string[] {
  return skopeoTlsArgs(reg, 'src').map((a) => a.replace('--src-', '--'));
}

/** The manifest bytes as the registry serves them to skopeo. */
export async function skopeoRaw(reg: TestRegistry, reference: string): Promise<string> {
  await prepareSkopeoCerts(reg);
  const { stdout } = await run('skopeo', ['inspect', '--raw', ...inspectArgs(reg), `docker://${reg.host}/${reference}`]);
  return stdout;
}

/** The copy holds exactly `sourceBytes` as its manifest, and skopeo pulls all of it (every platform of an index). */
export async function verifyCopied(reg: TestRegistry, reference: string, sourceBytes: Buffer): Promise<void> {
  assert.equal(await skopeoRaw(reg, reference), sourceBytes.toString('utf8'), 'the destination serves the source manifest byte for byte');
  const multi = Array.isArray((JSON.parse(sourceBytes.toString('utf8')) as { manifests?: unknown }).manifests);
  const dir = await mkdtemp(join(tmpdir(), 'stevedore-verify-copy-'));
  try {
    await run('skopeo', ['copy', '--quiet', ...(multi ? ['--all'] : []), ...skopeoTlsArgs(reg, 'src'), `docker://${reg.host}/${reference}`, `dir:${dir}`], { timeoutMs: 300_000 });
    assert.equal(sha(await readFile(join(dir, 'manifest.json'))), sha(sourceBytes), 'skopeo pulled the source manifest');
    // dir: names each blob by its hex; skopeo checked them, and so do we.
    for (const name of await readdir(dir)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      assert.equal(sha(await readFile(join(dir, name))), `sha256:${name}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
