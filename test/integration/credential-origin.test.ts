// Credentials belong to one origin: a registry that hands out upload Locations on another port never receives,
// there, the registry's Basic credentials or bearer token, and a 401 there does not get them either.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { layerTar, legacyDockerArchive, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { assertNoTag } from '../harness/assertions.js';
import { pushWithEngine } from '../harness/push.js';
import { startRegistry, type RegistryMode, type TestRegistry } from '../harness/registry.js';
import { startSplitOrigin } from '../harness/split-origin.js';
import { verifyPushed } from '../harness/verify-push.js';

/** Authorization headers carrying the user's identity: Basic, or a bearer token issued to a named account. */
function userCredentials(saw: readonly IncomingHttpHeaders[]): string[] {
  return saw
    .map((h) => h.authorization)
    .filter((a): a is string => a !== undefined)
    .filter((a) => {
      if (!a.startsWith('Bearer ')) return true;
      const payload = JSON.parse(Buffer.from(a.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string };
      return payload.sub !== '';
    });
}

for (const mode of ['basic', 'token'] as const satisfies readonly RegistryMode[]) {
  describe(`upload Location on another origin (${mode} auth)`, () => {
    let reg: TestRegistry;
    let dir: string;
    let image: TestImage;
    let archive: string;

    before(async () => {
      reg = await startRegistry(mode);
      dir = await mkdtemp(join(tmpdir(), 'stevedore-origin-'));
      image = testImage([await layerTar(`origin-${mode}`, 300_000), await layerTar(`origin-${mode}-2`, 5_000)]);
      archive = join(dir, 'image.tar');
      await writeTar(archive, legacyDockerArchive([{ image, tags: ['origin/app:1'] }]));
    });
    after(async () => {
      await reg.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('pushes through the upload origin without ever sending it the registry credentials', async () => {
      const split = await startSplitOrigin(reg);
      try {
        // Small chunks: the upload origin sees PATCHes and the final PUT, not only one request.
        const run = await pushWithEngine(reg, archive, 'origin/app:1', { via: split.host, settings: { chunkSize: 128 * 1024 } });
        assert.ok(split.uploadSaw.length >= 3, `the upload origin served the uploads (${split.uploadSaw.length} requests)`);
        assert.deepEqual(split.uploadSaw.filter((h) => h.authorization !== undefined), []);
        await verifyPushed(reg, 'origin/app:1', run.digest, [image]);
      } finally {
        await split.close();
      }
    });

    it('answers a 401 from the upload origin with its own challenge, never with the registry credentials', async () => {
      const split = await startSplitOrigin(reg, { authorizes: false });
      try {
        await assert.rejects(pushWithEngine(reg, archive, 'origin/denied:1', { via: split.host }), (e: unknown) => isStevedoreError(e, 'AUTH_REQUIRED') || isStevedoreError(e, 'DENIED'));
        assert.ok(split.uploadSaw.length >= 1);
        // It may fetch an anonymous token from the challenge it got there, but never sends the user's own.
        assert.deepEqual(userCredentials(split.uploadSaw), []);
        await assertNoTag(reg, 'origin/denied', '1');
      } finally {
        await split.close();
      }
    });
  });
}
