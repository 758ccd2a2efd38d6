// Checks a pushed image with skopeo, an independent client: inspect agrees on the digest, copy to an OCI layout
// succeeds (skopeo verifies every digest on the way), the config is byte-identical, and every layer decompresses
// to the archive's own layer bytes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from './exec.js';
import type { TestRegistry } from './registry.js';
import { prepareSkopeoCerts, skopeoInspect, skopeoTlsArgs } from './tools.js';
import type { TestImage } from './archives.js';

const sha = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface OciDescriptor {
  readonly digest: string;
  readonly mediaType: string;
}

async function blob(dir: string, digest: string): Promise<Buffer> {
  return readFile(join(dir, digest.slice('sha256:'.length)));
}

/** `expected` lists, per platform in order, the image the archive held. */
export async function verifyPushed(reg: TestRegistry, reference: string, digest: string, expected: readonly TestImage[]): Promise<void> {
  assert.equal(await skopeoDigest(reg, reference), digest, 'skopeo inspect reports the digest we pushed');
  const raw = (await skopeoInspect(reg, reference, true)) as { manifests?: OciDescriptor[] };
  const multi = Array.isArray(raw.manifests);
  // The dir: transport keeps manifests byte for byte (oci: would convert Docker manifests).
  const dir = await mkdtemp(join(tmpdir(), 'stevedore-verify-'));
  try {
    await prepareSkopeoCerts(reg);
    await run('skopeo', ['copy', '--quiet', ...(multi ? ['--all'] : []), ...skopeoTlsArgs(reg, 'src'), `docker://${reg.host}/${reference}`, `dir:${dir}`], { timeoutMs: 300_000 });
    const top = await readFile(join(dir, 'manifest.json'));
    assert.equal(sha(top), digest, 'skopeo pulled exactly the manifest we pushed');
    const manifests: OciDescriptor[] = multi ? (JSON.parse(top.toString()) as { manifests: OciDescriptor[] }).manifests : [{ digest, mediaType: '' }];
    assert.equal(manifests.length, expected.length, 'one manifest per platform');
    for (const [i, descriptor] of manifests.entries()) {
      const image = expected[i] as TestImage;
      const bytes = multi ? await readFile(join(dir, `${descriptor.digest.slice('sha256:'.length)}.manifest.json`)) : top;
      assert.equal(sha(bytes), descriptor.digest);
      const manifest = JSON.parse(bytes.toString()) as { config: OciDescriptor; layers: OciDescriptor[] };
      assert.deepEqual(await blob(dir, manifest.config.digest), image.config, 'config byte-identical');
      assert.equal(manifest.layers.length, image.layers.length);
      for (const [j, layer] of manifest.layers.entries()) {
        const stored = await blob(dir, layer.digest);
        assert.equal(sha(stored), layer.digest, 'layer digest verifies');
        // A layer the manifest calls gzip must be a gzip stream (an empty blob is none, whatever it hashes to).
        const plain = /gzip$/.test(layer.mediaType) || (stored[0] === 0x1f && stored[1] === 0x8b) ? gunzipSync(stored) : stored;
        assert.equal(sha(plain), image.diffIds[j], `layer ${j} decompresses to the archive's layer`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function skopeoDigest(reg: TestRegistry, reference: string): Promise<string> {
  return ((await skopeoInspect(reg, reference)) as { Digest: string }).Digest;
}
