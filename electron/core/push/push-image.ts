// Pushes one image of an archive: plan, every blob (concurrently), then the manifests, the tag last. A failure or a
// cancel anywhere stops everything before the tag exists, so no half-pushed tag is ever visible.
//
// Pushing again what the registry holds already moves no blob; then the tag is not written either when it names this
// very manifest already (as crane does): the tag's digest is asked for beside the blobs' HEADs, so knowing it costs
// no round trip, where the PUT would cost one. Whenever any blob moved, the manifest is PUT as always.
import type { Readable } from 'node:stream';
import type { ArchiveImage, ArchivePlatformImage } from '../../../shared/archive.js';
import type { BlobProgress } from '../../../shared/push.js';
import { readVerified } from '../archive/blob-checks.js';
import type { OpenedArchive } from '../archive/inspect-archive.js';
import { Limiter, mapLimit } from '../concurrency.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import { jobAbort } from '../linked-signal.js';
import { pushLog } from '../log-push.js';
import { formatReference, type Reference } from '../reference.js';
import { UploadSessions } from '../registry/upload-session.js';
import { BLOB_LOCATION, COMPRESSED_VARIANT, blobTasks, configTaskId, layerTaskId, planBlobs, type PlannedBlob } from './blob-plan.js';
import { blobBytes, uncompressedOfPresent, type PushShared } from './blob-source.js';
import { uploadBlob } from './blob-upload.js';
import { BufferPool } from './buffer-pool.js';
import { indexForOci, manifestForDockerArchive, manifestForOci, type BuiltManifest, type PushedBlob } from './manifests.js';
import { ProgressReporter } from './progress.js';
import { DEFAULT_PUSH_SETTINGS, type PushDeps, type PushImageRequest, type PushSettings } from './push-types.js';
import { pushFailure } from './push-errors.js';
import { commitTag, tagCancelOutcome } from './tag-commit.js';
import { precheckLayers, verifyLayers } from './verify-layers.js';

export { DEFAULT_PUSH_SETTINGS, type PushDeps, type PushImageRequest, type PushSettings } from './push-types.js';

export async function pushImage(request: PushImageRequest, deps: PushDeps, settings: PushSettings = DEFAULT_PUSH_SETTINGS): Promise<string> {
  const { archive, image, target } = request;
  const targetName = formatReference(target);
  if (!target.tag && !target.digest) throw new StevedoreError('INVALID_REFERENCE', `push needs a tag: ${targetName}`);
  // One signal for the whole image: the first failure stops every other transfer.
  const job = jobAbort(request.signal);
  const reporter = new ProgressReporter(request.jobId, targetName, request.emit);
  const log = pushLog(request.jobId, targetName);
  try {
    const sessions = new UploadSessions(deps.client, target.repository);
    precheckLayers(image);
    const tasks = blobTasks(image, settings.compression);
    // Asked beside the plan's HEADs; never rejects.
    const tagged = target.tag ? sessions.taggedDigest(target.tag, job.signal) : Promise.resolve(undefined);
    const plan = await planBlobs(tasks, deps.client, target.repository, deps.layers, settings.jobs, job.signal);
    reporter.plan(plan.map(initialProgress));
    log.plan(plan);
    const results = new Map<string, PushedBlob>();
    const uncompressed = new Map<string, string | undefined>();
    // Layers take turns reading into the compressors, as many at once as the engine asks (two for both engines): a
    // layer's blocks keep every compressor busy (the window), and each further layer would only hold more buffers (its
    // blocks and upload chunks, ~10-20 MB). The next layer takes its turn once this one's input is read, not once its
    // upload ends (parallelGzip's `onInputEnd`).
    const compressing = new Limiter(deps.gzip.streams ?? 1);
    const buffers = deps.buffers ?? new BufferPool();
    const transfer = async (planned: PlannedBlob, stream?: Readable): Promise<void> => {
      const mayCompress = planned.task.compressOnTheWay && planned.action !== 'skip' && !stream;
      // Taken in the plan's order (largest first), held until the layer's input is read or the transfer ends.
      const endTurn = mayCompress ? await compressing.acquire(job.signal) : undefined;
      let done: Transferred;
      try {
        done = await transferBlob(planned, stream, { ...request, signal: job.signal }, deps, settings, { sessions, reporter, buffers, ...(endTurn ? { endTurn } : {}) });
      } finally {
        endTurn?.();
      }
      results.set(planned.task.id, done.blob);
      if (planned.task.kind === 'layer') uncompressed.set(planned.task.id, done.uncompressed);
    };
    try {
      if (archive.source.gzipped) {
        // A gzip-wrapped archive is read once, in order: small blobs come from memory, layers as they pass by.
        const fromMemory = plan.filter((p) => archive.source.isInMemory(p.task.entry));
        await mapLimit(fromMemory, settings.jobs, (p) => transfer(p), job.signal);
        const streamed = new Map(plan.filter((p) => !fromMemory.includes(p)).map((p) => [archive.source.resolve(p.task.entry).name, p]));
        if (streamed.size > 0) {
          await archive.source.streamInOrder(new Set(streamed.keys()), (name, stream) => transfer(streamed.get(name) as PlannedBlob, stream), job.signal);
        }
      } else {
        // Largest first: the longest transfer starts at once instead of last.
        const largestFirst = [...plan].sort((a, b) => b.task.storedSize - a.task.storedSize);
        await mapLimit(largestFirst, settings.jobs, (p) => transfer(p), job.signal);
      }
    } catch (error) {
      job.abort(error);
      throw error;
    }
    // Nothing is named in a manifest until every layer is known to be what the config says.
    await verifyLayers(image, archive, uncompressed);
    // Only a push that moved nothing may leave the tag as it found it: the answer is then a moment old.
    const unchanged = plan.every((p) => p.action === 'skip') ? await tagged : undefined;
    const digest = await putManifests(image, target, results, archive, { sessions, target: targetName, signal: job.signal }, unchanged);
    reporter.stop();
    log.done(digest);
    request.emit({ type: 'pushed', jobId: request.jobId, target: targetName, digest });
    return digest;
  } catch (error) {
    reporter.stop();
    // A cancel at the tag's PUT says what became of the tag; one before it left, that none was written.
    const reason = tagCancelOutcome(error) ?? (request.signal?.aborted ? new StevedoreError('CANCELLED', 'push cancelled; no tag was written') : pushFailure(error));
    log.failed(reason);
    request.emit({ type: 'failed', jobId: request.jobId, target: targetName, error: toErrorInfo(reason) });
    throw reason;
  } finally {
    job.done();
  }
}

function initialProgress(planned: PlannedBlob): BlobProgress {
  const { task, action } = planned;
  const finished = action === 'skip';
  return {
    id: task.id,
    kind: task.kind,
    action,
    state: finished ? 'skipped' : 'waiting',
    bytesDone: finished ? task.storedSize : 0,
    bytesTotal: task.storedSize,
    bytesSent: 0,
    ...(planned.result ? { digest: planned.result.digest } : task.expectedDigest ? { digest: task.expectedDigest } : {}),
    ...(task.diffId ? { diffId: task.diffId } : {}),
    ...(task.label ? { label: task.label } : {}),
  };
}

interface TransferShared extends PushShared {
  readonly sessions: UploadSessions;
}

/** A blob in the registry, and for a layer the uncompressed digest its bytes were found (or recorded) to have. */
interface Transferred {
  readonly blob: PushedBlob;
  readonly uncompressed?: string;
}

async function transferBlob(planned: PlannedBlob, stream: Readable | undefined, request: PushImageRequest, deps: PushDeps, settings: PushSettings, shared: TransferShared): Promise<Transferred> {
  const { sessions, reporter } = shared;
  const { task } = planned;
  const registry = deps.client.registry;
  if (planned.action === 'skip' && planned.result) {
    return { blob: planned.result, uncompressed: await uncompressedOfPresent(planned, stream, request, deps) };
  }
  if (planned.action === 'mount' && planned.result && planned.mountFrom) {
    const mounted = await sessions.start(request.signal, { digest: planned.result.digest, from: planned.mountFrom });
    if (mounted.kind === 'mounted') {
      const known = await uncompressedOfPresent(planned, stream, request, deps);
      reporter.update(task.id, { state: 'mounted', bytesDone: task.storedSize });
      deps.layers?.record(registry, planned.result.digest, BLOB_LOCATION, { ...planned.result, repository: request.target.repository });
      return { blob: planned.result, uncompressed: known };
    }
    // The registry opened a session instead of mounting: let it go and upload.
    await sessions.cancel(mounted.location, request.signal);
  }
  const action = task.compressOnTheWay ? 'compress' : 'upload';
  reporter.update(task.id, { action, state: task.compressOnTheWay ? 'compressing' : 'uploading', bytesDone: 0, bytesSent: 0 });
  try {
    const source = blobBytes(task, stream, request, deps, settings, shared);
    const uploaded = await uploadBlob(sessions, source.bytes, {
      chunkSize: settings.chunkSize,
      pool: shared.buffers,
      signal: request.signal,
      onSent: (n) => reporter.add(task.id, 0, n),
      onRestart: () => reporter.update(task.id, { bytesDone: 0, bytesSent: 0 }),
    });
    const result: PushedBlob = { digest: uploaded.digest, size: uploaded.size, mediaType: task.mediaType };
    reporter.update(task.id, { state: 'done', digest: uploaded.digest, bytesDone: task.storedSize });
    const diffId = source.uncompressed();
    // Recorded only now that the registry has accepted the blob, and the bytes were checked against the DiffID.
    if (task.compressOnTheWay && task.diffId) deps.layers?.record(registry, task.diffId, COMPRESSED_VARIANT, { ...result, repository: request.target.repository });
    if (task.kind === 'layer' && task.compression !== 'none' && !task.compressOnTheWay && diffId) deps.layers?.recordVerified(uploaded.digest, diffId);
    deps.layers?.record(registry, uploaded.digest, BLOB_LOCATION, { ...result, repository: request.target.repository });
    return { blob: result, uncompressed: diffId };
  } catch (error) {
    reporter.update(task.id, { state: 'failed' });
    throw error;
  }
}

interface ManifestWrites {
  readonly sessions: UploadSessions;
  /** The target as the push reports it. */
  readonly target: string;
  readonly signal: AbortSignal;
}

/** `tagNames`: the digest the tag was found naming, when nothing else was pushed; a tag naming the manifest is not PUT. */
async function putManifests(image: ArchiveImage, target: Reference, results: ReadonlyMap<string, PushedBlob>, archive: OpenedArchive, writes: ManifestWrites, tagNames?: string): Promise<string> {
  const { sessions, signal } = writes;
  const tag = target.tag ?? (target.digest as string);
  const platformManifest = async (platform: ArchivePlatformImage): Promise<BuiltManifest> => {
    const config = results.get(configTaskId(platform)) as PushedBlob;
    const layers = platform.layers.map((l) => results.get(layerTaskId(l)) as PushedBlob);
    if (!platform.manifest) return manifestForDockerArchive(config, layers);
    // Read again and checked against its digest, as the config is: the tag must name what was verified.
    const { entry, digest, size, mediaType } = platform.manifest;
    return manifestForOci(await readVerified(archive.source, entry, digest, size), mediaType, layers);
  };
  const store = async (reference: string, manifest: BuiltManifest, cancel: AbortSignal): Promise<void> => {
    const stored = await sessions.putManifest(reference, manifest.bytes, manifest.mediaType, cancel);
    if (stored && stored !== manifest.digest) throw new StevedoreError('DIGEST_MISMATCH', `the registry stored manifest ${stored}, we sent ${manifest.digest}`);
  };
  const put = async (reference: string, manifest: BuiltManifest): Promise<string> => {
    if (reference === target.tag && tagNames === manifest.digest) return manifest.digest;
    // The tag is the push's commit point: a cancel while its PUT is in flight aborts it and asks the registry what the
    // tag names now (tag-commit.ts), so the push ends at once and says whether the tag was written.
    if (reference === tag) await commitTag({ verb: 'push', target: writes.target, sessions, reference, digest: manifest.digest, signal }, (cancel) => store(reference, manifest, cancel));
    else await store(reference, manifest, signal);
    return manifest.digest;
  };
  if (image.kind === 'manifest' || !image.index) {
    return put(tag, await platformManifest(image.platforms[0] as ArchivePlatformImage));
  }
  const children = new Map<string, BuiltManifest>();
  for (const platform of image.platforms) {
    const manifest = await platformManifest(platform);
    await put(manifest.digest, manifest);
    if (platform.manifest) children.set(platform.manifest.digest, manifest);
  }
  const { entry, digest, size, mediaType } = image.index;
  return put(tag, indexForOci(await readVerified(archive.source, entry, digest, size), mediaType, children));
}
