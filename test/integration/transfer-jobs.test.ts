// copy:start and export:start through the contract host, as the app calls them: jobs that report through
// push:progress / push:finished, can be cancelled with push:cancel, and leave what skopeo can read.
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PushJobView } from '../../shared/contract.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { SaveChoices } from '../../electron/main/save-choices.js';
import { run } from '../harness/exec.js';
import { asEngineError, cancelAtTagPut } from '../harness/late-cancel.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, randomLayer, seedImage, type SeededImage } from '../harness/seed.js';
import { verifyCopied } from '../harness/verify-copy.js';

describe('copy and export jobs in the host', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let dir: string;
  let host: ContractHost;
  let image: SeededImage;
  const finished = new Map<string, (view: PushJobView) => void>();
  const views = new Map<string, PushJobView>();
  let ids: { source: string; target: string };
  let profiles: ProfileStore;
  // As the desktop wires it: files chosen in the native save dialog (which asked before replacing them).
  const saveChoices = new SaveChoices();

  const whenFinished = (jobId: string): Promise<PushJobView> => {
    const known = views.get(jobId);
    return known ? Promise.resolve(known) : new Promise((resolve) => finished.set(jobId, resolve));
  };

  before(async () => {
    [source, target] = await Promise.all([startRegistry('none'), startRegistry('none')]);
    dir = await mkdtemp(join(tmpdir(), 'stevedore-transfer-jobs-'));
    image = await seedImage(source, 'team/app', '1');
    await seedImage(source, 'team/big', '1', { layers: [randomLayer(24 * 1024 * 1024)] });
    profiles = new ProfileStore(join(dir, 'registries.json'));
    const profile = (reg: TestRegistry) => profiles.save({ name: reg.host, url: `http://${reg.host}`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });
    ids = { source: (await profile(source)).id, target: (await profile(target)).id };
    host = new ContractHost({
      profiles,
      secrets: noSecretStore,
      cacheDir: join(dir, 'cache'),
      replaceConfirmed: (file) => saveChoices.take(file),
      emit: (event, payload) => {
        if (event !== 'push:finished') return;
        const view = payload as PushJobView;
        views.set(view.jobId, view);
        finished.get(view.jobId)?.(view);
      },
    });
  });
  after(async () => {
    await host.close();
    for (const reg of [source, target]) {
      await closeSeeders(reg);
      await reg.stop();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('copy:start copies to another registry profile and finishes with the digest', async () => {
    const started = await host.handle('copy:start', { registryId: ids.source, repository: 'team/app', reference: '1', targetRegistryId: ids.target, targetRepository: 'mirror/app', targetTag: 'v1' });
    assert.ok(started.ok, JSON.stringify(started));
    const view = await whenFinished((started.value as { jobId: string }).jobId);
    assert.equal(view.state, 'pushed', JSON.stringify(view.error));
    assert.equal(view.kind, 'copy');
    assert.equal(view.digest, image.digest);
    await verifyCopied(target, 'mirror/app:v1', image.manifest);
  });

  it('export:start refuses a layer that does not match its diff_id, leaving no file, and writes an oci-archive skopeo reads', async () => {
    const file = join(dir, 'app.tar');
    const started = await host.handle('export:start', { registryId: ids.source, repository: 'team/app', reference: '1', path: file });
    assert.ok(started.ok, JSON.stringify(started));
    const view = await whenFinished((started.value as { jobId: string }).jobId);
    assert.equal(view.kind, 'export');
    // The seeded layers are not tars with matching diff_ids, so the job fails cleanly, leaving no file...
    assert.equal(view.state, 'failed');
    assert.equal(view.error?.code, 'DIGEST_MISMATCH');
    await assert.rejects(lstat(file));
    // ...while an oci-archive keeps the blobs as stored, and skopeo reads it.
    const oci = await host.handle('export:start', { registryId: ids.source, repository: 'team/app', reference: '1', path: file, format: 'oci-archive' });
    assert.ok(oci.ok);
    assert.equal((await whenFinished((oci.value as { jobId: string }).jobId)).state, 'pushed');
    const inspected = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${file}`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, image.digest);
  });

  it('export:start replaces an existing file only when the save dialog chose it, and that once', async () => {
    const file = join(dir, 'chosen.tar');
    await writeFile(file, 'the user\'s old export');
    const request = { registryId: ids.source, repository: 'team/app', reference: '1', path: file, format: 'oci-archive' as const };
    const typed = await host.handle('export:start', request);
    assert.equal(typed.ok ? 'ok' : typed.error.code, 'ALREADY_EXISTS');
    saveChoices.remember(file);
    const chosen = await host.handle('export:start', request);
    assert.ok(chosen.ok, JSON.stringify(chosen));
    assert.equal((await whenFinished((chosen.value as { jobId: string }).jobId)).state, 'pushed');
    const inspected = JSON.parse((await run('skopeo', ['inspect', `oci-archive:${file}`])).stdout) as { Digest: string };
    assert.equal(inspected.Digest, image.digest);
    const again = await host.handle('export:start', request);
    assert.equal(again.ok ? 'ok' : again.error.code, 'ALREADY_EXISTS', 'a choice replaces once');
  });

  it('push:cancel stops an export and leaves no file; bad paths are refused at once', async () => {
    const out = await mkdtemp(join(tmpdir(), 'stevedore-transfer-cancel-'));
    try {
      const started = await host.handle('export:start', { registryId: ids.source, repository: 'team/big', reference: '1', path: join(out, 'big.tar'), format: 'oci-archive' });
      assert.ok(started.ok);
      const jobId = (started.value as { jobId: string }).jobId;
      assert.deepEqual(await host.handle('push:cancel', { jobId }), { ok: true, value: { cancelled: true } });
      assert.equal((await whenFinished(jobId)).state, 'cancelled');
      assert.deepEqual(await readdir(out), []);
      const refused = await host.handle('export:start', { registryId: ids.source, repository: 'team/app', reference: '1', path: join(out, 'missing', 'x.tar') });
      assert.equal(refused.ok ? '' : refused.error.code, 'INVALID_ARGUMENT');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("push:cancel while the registry holds the answer to the tag's PUT ends the copy job at once: cancelled, its view naming the digest the tag holds", async () => {
    let view: PushJobView | undefined;
    const error = await cancelAtTagPut(target, 'mirror/late', 'v1', 'after-storing', async (via, signal) => {
      // The destination profile is the registry behind the proxy, as the app would hold a slow registry.
      const behind = await profiles.save({ name: `slow ${via}`, url: `http://${via}`, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [] });
      const started = await host.handle('copy:start', { registryId: ids.source, repository: 'team/app', reference: '1', targetRegistryId: behind.id, targetRepository: 'mirror/late', targetTag: 'v1' });
      assert.ok(started.ok, JSON.stringify(started));
      const jobId = (started.value as { jobId: string }).jobId;
      const cancel = (): void => void host.handle('push:cancel', { jobId });
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
      view = await whenFinished(jobId);
      if (view.state === 'pushed' && view.digest) return { digest: view.digest };
      if (!view.error) throw new Error(`the job ended ${view.state} with no error`);
      throw asEngineError(view.error);
    });
    assert.equal(view?.state, 'cancelled');
    assert.equal(view?.digest, image.digest, "the job's view names the digest the tag holds, as a copied job's does");
    assert.equal(error.details.digest, image.digest);
  });
});
