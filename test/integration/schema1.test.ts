// Signed schema 1 manifests from the real registry (compatibility.schema1 on, signed with the registry's own libtrust
// key): read by tag and by digest, addressed by their payload without signatures, as the registry addresses them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { MediaType } from '../../shared/media-types.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage, sha256 } from '../harness/seed.js';

describe('signed schema 1 manifests from the real registry', () => {
  let reg: TestRegistry;
  let signed: Buffer;
  let payloadDigest: string;

  before(async () => {
    reg = await startRegistry('none', { schema1: true });
    await seedImage(reg, 'old/app', 'v2');
    // Asked for by tag by a client that only knows schema 1, the registry converts and signs the manifest.
    const converted = await request(`${reg.url}/v2/old/app/manifests/v2`, { headers: { accept: MediaType.dockerSchema1Signed } });
    assert.equal(converted.statusCode, 200);
    signed = Buffer.from(await converted.body.arrayBuffer());
    payloadDigest = String(converted.headers['docker-content-digest']);
    // Stored as it is, under its own tag: the registry checks the signature and keeps the bytes.
    const stored = await request(`${reg.url}/v2/old/app/manifests/signed`, { method: 'PUT', headers: { 'content-type': MediaType.dockerSchema1Signed }, body: signed });
    assert.equal(stored.statusCode, 201, await stored.body.text());
    assert.equal(stored.headers['docker-content-digest'], payloadDigest);
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });

  it('is served signed, and addressed by a digest other than that of the bytes served', () => {
    assert.match(signed.toString('utf8'), /"signatures"/);
    assert.notEqual(sha256(signed), payloadDigest);
  });

  it('reads it by tag and by digest, with the registry digest and verified', async () => {
    const client = clientFor(reg);
    try {
      const byTag = await client.getManifest('old/app', 'signed');
      assert.equal(byTag.digest, payloadDigest);
      assert.equal(byTag.verified, true);
      assert.equal(byTag.manifest.kind, 'schema1');
      assert.equal(byTag.mediaType, MediaType.dockerSchema1Signed);
      // The registry signs what it serves (its signatures differ from request to request); the payload stays.
      assert.match(byTag.bytes.toString('utf8'), /"signatures"/);
      assert.notEqual(sha256(byTag.bytes), payloadDigest);
      const byDigest = await client.getManifest('old/app', payloadDigest);
      assert.equal(byDigest.digest, payloadDigest);
      assert.equal(byDigest.manifest.kind, 'schema1');
    } finally {
      await client.close();
    }
  });

  it('still refuses the signed bytes under the digest of what was served', async () => {
    const client = clientFor(reg);
    try {
      await assert.rejects(client.getManifest('old/app', sha256(signed)), (e: unknown) => isStevedoreError(e, 'NOT_FOUND'));
    } finally {
      await client.close();
    }
  });
});
