// Digests beyond sha256 (sha384 and sha512 verified, other algorithms passed through unverified) and signed schema 1
// manifests addressed by their payload, with a manifest signed by the real registry (test/fixtures).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requests } from '../../shared/contract.js';
import { MediaType } from '../../shared/media-types.js';
import { VerifyingStream, algorithmOf, digestOf, verifyDigest } from '../../electron/core/digest.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { isDigest, parseReference } from '../../electron/core/reference.js';
import { parseManifest } from '../../electron/core/registry/manifest.js';
import { canonicalManifestBytes } from '../../electron/core/registry/schema1.js';

const bytes = Buffer.from('some content');
const hex = (algorithm: string): string => createHash(algorithm).update(bytes).digest('hex');
const SHA384 = `sha384:${hex('sha384')}`;
const SHA512 = `sha512:${hex('sha512')}`;
const UNKNOWN = `blake3:${'ab'.repeat(32)}`;

// Served by docker-registry 2.8 for a schema2 image asked for as schema 1; it answered this Docker-Content-Digest.
const SIGNED = readFileSync(fileURLToPath(new URL('../../../test/fixtures/schema1-signed.json', import.meta.url)));
const SIGNED_DIGEST = 'sha256:48f158efbe7c4bfed9d259227c3848bbc34fbae944d576f7e119914f4a9a27b6';

async function drain(stream: VerifyingStream, input: Buffer): Promise<void> {
  await pipeline(Readable.from([input]), stream, new Writable({ write: (_c, _e, cb) => cb() }));
}

describe('digest algorithms', () => {
  it('accepts sha256, sha384, sha512 and well-formed unknown algorithms in references', () => {
    for (const digest of [digestOf(bytes), SHA384, SHA512, UNKNOWN, `multihash+base58:${'Qm'.repeat(20)}`]) {
      assert.ok(isDigest(digest), digest);
      assert.equal(parseReference(`reg.io/app@${digest}`).digest, digest);
    }
  });

  it('refuses malformed digests, known algorithms with the wrong length included', () => {
    assert.throws(() => parseReference(`reg.io/app@sha384:${'a'.repeat(64)}`), /not sha384 hex of the right length/);
    assert.throws(() => parseReference('reg.io/app@md5:abc'), /unsupported digest algorithm/);
    assert.throws(() => parseReference(`reg.io/app@BLAKE3:${'a'.repeat(64)}`), /unsupported digest algorithm/);
    assert.equal(isDigest(`sha256:${'A'.repeat(64)}`), false);
    assert.equal(isDigest(`x:${'a'.repeat(300)}`), false);
  });

  it('verifies sha384 and sha512, and passes unknown algorithms through without claiming verification', async () => {
    assert.equal(verifyDigest(bytes, SHA384, 'blob'), true);
    assert.equal(verifyDigest(bytes, SHA512, 'blob'), true);
    assert.throws(() => verifyDigest(Buffer.from('other'), SHA384, 'blob'), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
    assert.equal(verifyDigest(bytes, UNKNOWN, 'blob'), false);
    assert.equal(algorithmOf(UNKNOWN), undefined);
    const unknown = new VerifyingStream(UNKNOWN, 'blob', bytes.length);
    await drain(unknown, bytes);
    assert.equal(unknown.verified, false);
    const known = new VerifyingStream(SHA512, 'blob', bytes.length);
    await drain(known, bytes);
    assert.equal(known.verified, true);
    await assert.rejects(drain(new VerifyingStream(SHA384, 'blob'), Buffer.from('other')), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
    // The size is still checked when the hash cannot be.
    await assert.rejects(drain(new VerifyingStream(UNKNOWN, 'blob', 3), bytes), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
  });

  it('parses manifests whose descriptors use sha384, sha512 or an unknown algorithm', () => {
    const manifest = parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: SHA384, size: 12 }, layers: [{ mediaType: MediaType.ociLayerGzip, digest: SHA512, size: 1 }, { mediaType: MediaType.ociLayerGzip, digest: UNKNOWN, size: 2 }] })),
    );
    assert.equal(manifest.kind, 'manifest');
    assert.deepEqual(manifest.kind === 'manifest' ? manifest.layers.map((l) => l.digest) : [], [SHA512, UNKNOWN]);
  });

  it('lets such digests through the contract', () => {
    for (const digest of [SHA384, SHA512, UNKNOWN]) {
      assert.ok(requests['image:delete'].args.safeParse({ registryId: 'r', repository: 'a', digest }).success, digest);
    }
    assert.equal(requests['image:delete'].args.safeParse({ registryId: 'r', repository: 'a', digest: 'md5:abc' }).success, false);
  });
});

describe('signed schema 1 manifests', () => {
  it('hash to the digest the registry gave, by their payload without signatures', () => {
    assert.notEqual(digestOf(SIGNED), SIGNED_DIGEST);
    const canonical = canonicalManifestBytes(SIGNED);
    assert.equal(canonical.problem, undefined);
    assert.equal(digestOf(canonical.bytes), SIGNED_DIGEST);
    assert.ok(!canonical.bytes.toString('utf8').includes('signatures'));
  });

  it('hash as served when unsigned (v1+json), and say why when the signature block cannot be read', () => {
    const unsigned = canonicalManifestBytes(SIGNED).bytes;
    assert.deepEqual(canonicalManifestBytes(unsigned).bytes, unsigned);
    const json = JSON.parse(SIGNED.toString('utf8')) as { signatures: { protected: string }[] };
    const variants: [string, unknown][] = [
      ['empty', []],
      ['not base64url', [{ ...json.signatures[0], protected: '***' }]],
      ['no formatLength', [{ ...json.signatures[0], protected: Buffer.from('{"formatTail":"fQ"}').toString('base64url') }]],
      ['past the end', [{ ...json.signatures[0], protected: Buffer.from('{"formatLength":999999,"formatTail":"fQ"}').toString('base64url') }]],
    ];
    for (const [name, signatures] of variants) {
      const broken = Buffer.from(JSON.stringify({ ...json, signatures }));
      const canonical = canonicalManifestBytes(broken);
      assert.ok(canonical.problem, name);
      assert.deepEqual(canonical.bytes, broken, name);
    }
  });
});
