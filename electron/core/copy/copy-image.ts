// Copies one image between registries (or within one): every blob first, concurrently, then the manifests as the
// exact bytes the source holds (children before the index, the tag last), then what refers to it. A failure or a
// cancel stops everything before the tag is written, so no half-copied tag is ever visible.
import type { PushEvent } from '../../../shared/push.js';
import { mapLimit } from '../concurrency.js';
import { StevedoreError, isStevedoreError, toErrorInfo } from '../errors.js';
import { jobAbort } from '../linked-signal.js';
import type { RetryPolicy } from '../http/retry.js';
import { BufferPool } from '../push/buffer-pool.js';
import { ProgressReporter } from '../push/progress.js';
import { commitTag, tagCancelOutcome } from '../push/tag-commit.js';
import { formatReference, manifestReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { UploadSessions } from '../registry/upload-session.js';
import { initialProgress, planBlob, transferBlob, type BlobRoute, type PlannedBlob } from './blob-copy.js';
import { resolveGraph, type GraphBlob, type GraphManifest } from './image-graph.js';
import type { PlatformChoice } from './platform.js';
import { collectReferrers, writeReferrersTag } from './referrers.js';

export interface CopySettings {
  /** Blobs moving at once (peers use 3 to 6 per registry). */
  readonly jobs: number;
  /** PATCH chunks of this size, for registries that need chunks; by default each blob streams in one request. */
  readonly chunkSize?: number;
  readonly retry?: RetryPolicy;
}

export const DEFAULT_COPY_SETTINGS: CopySettings = { jobs: 4 };

export interface CopyEndpoints {
  readonly source: RegistryClient;
  /** The same client as `source` for a copy within one registry. */
  readonly target: RegistryClient;
}

export interface CopyRequest {
  readonly jobId: string;
  readonly source: Reference;
  /** Without a tag or digest, the source's tag is used. */
  readonly target: Reference;
  /** One platform of an index instead of the whole index. */
  readonly platform?: PlatformChoice;
  /** Also copy signatures, SBOMs and attestations of the image. */
  readonly referrers?: boolean;
  readonly emit: (event: PushEvent) => void;
  readonly signal?: AbortSignal;
}

export interface CopyResult {
  readonly target: string;
  readonly digest: string;
  /** Bytes sent to the destination: 0 when it already held everything or everything was mounted. */
  readonly bytesSent: number;
  readonly blobs: { readonly uploaded: number; readonly mounted: number; readonly skipped: number };
  readonly referrers: number;
}

export async function copyImage(request: CopyRequest, endpoints: CopyEndpoints, settings: CopySettings = DEFAULT_COPY_SETTINGS): Promise<CopyResult> {
  // A destination without tag or digest takes the source's tag; a source without either is `latest` (as docker,
  // skopeo and crane read both), so `copy a/app b/app` tags b/app:latest instead of leaving the image untagged.
  const tag = request.target.tag ?? request.target.digest ?? (request.source.digest === undefined ? manifestReference(request.source) : undefined);
  const targetName = formatReference({ ...request.target, ...(tag && !request.target.digest ? { tag } : {}) });
  const job = jobAbort(request.signal);
  const signal = job.signal;
  const reporter = new ProgressReporter(request.jobId, targetName, request.emit);
  const route: BlobRoute = { source: endpoints.source, sourceRepository: request.source.repository, target: endpoints.target, targetRepository: request.target.repository };
  const sessions = new UploadSessions(endpoints.target, request.target.repository);
  /** The digest the tag names once its PUT was answered (referrers are written after it). */
  let written: string | undefined;
  try {
    // The destination's scheme, and what it holds under the tag, are asked while the source answers, not after.
    if (endpoints.target !== endpoints.source) endpoints.target.baseUrl(signal).catch(() => undefined);
    const held = (reference: string): Promise<string | undefined> => heldDigest(endpoints.target, request.target.repository, reference, signal);
    const heldTag = tag === undefined ? undefined : held(tag);
    const graph = await resolveGraph(endpoints.source, request.source, request.platform, signal);
    if (request.target.digest && request.target.digest !== graph.top.digest) {
      throw new StevedoreError('INVALID_REFERENCE', `${formatReference(request.source)} is ${graph.top.digest}, not the ${request.target.digest} the destination names`);
    }
    const referrers = request.referrers ? await collectReferrers(endpoints.source, request.source.repository, graph.top.digest, signal) : undefined;
    const blobs = uniqueBlobs([...graph.blobs, ...(referrers?.graphs.flatMap((g) => g.blobs) ?? [])]);
    const children = graph.manifests.slice(0, -1);
    // Asked beside the blobs' HEADs: a repeated copy learns everything in one round trip.
    const heldChildren = children.map((manifest) => held(manifest.digest));
    const plan = await mapLimit(blobs, settings.jobs * 2, (blob) => planBlob(blob, route, signal), signal);
    reporter.plan(plan.map(initialProgress));
    const buffers = new BufferPool();
    const context = { route, sessions, reporter, buffers, signal, ...(settings.chunkSize !== undefined ? { chunkSize: settings.chunkSize } : {}), ...(settings.retry ? { retry: settings.retry } : {}) };
    // Largest first: the longest transfer starts at once instead of last. Fewer bodies at once, the next started as the
    // previous one's last byte is sent (so a blob's fsync at the destination overlaps the next one's transfer), was
    // measured (session 7: 2 or 3 of 4 streams, 10 paired runs): the idle tail shrank, the transfer grew as much.
    const order = [...plan].sort((a, b) => b.blob.size - a.blob.size);
    const sent = await mapLimit(order, settings.jobs, (planned) => transferBlob(planned, context), signal);
    const put = (reference: string, manifest: GraphManifest, heldThere = held(reference)): Promise<void> => putManifest(sessions, reference, manifest, heldThere, signal);
    for (const [i, manifest] of children.entries()) await put(manifest.digest, manifest, heldChildren[i]);
    // The tag is the copy's commit point: a cancel while its PUT is in flight aborts it and asks the registry what the
    // tag names now (tag-commit.ts), so the copy ends at once and says whether the tag was written.
    const top = tag ?? graph.top.digest;
    signal.throwIfAborted();
    if ((await (heldTag ?? held(top))) !== graph.top.digest) {
      await commitTag({ verb: 'copy', target: targetName, sessions, reference: top, digest: graph.top.digest, signal }, (cancel) => storeManifest(sessions, top, graph.top, cancel));
    }
    written = graph.top.digest;
    if (referrers) {
      // After their subject: a referrer names it, and some registries refuse a subject they do not hold yet.
      for (const graph of referrers.graphs) for (const manifest of graph.manifests) await put(manifest.digest, manifest);
      await writeReferrersTag(endpoints.target, sessions, request.target.repository, referrers, signal);
    }
    reporter.stop();
    request.emit({ type: 'pushed', jobId: request.jobId, target: targetName, digest: graph.top.digest });
    return {
      target: targetName,
      digest: graph.top.digest,
      bytesSent: sent.reduce((a, b) => a + b, 0),
      blobs: { uploaded: count(plan, 'upload'), mounted: count(plan, 'mount'), skipped: count(plan, 'skip') },
      referrers: referrers?.descriptors.length ?? 0,
    };
  } catch (error) {
    reporter.stop();
    // Stops what is still in flight (HEADs of the plan, the other transfers).
    job.abort(error);
    // A cancel at the tag's PUT says what became of the tag; one before it left, that none was written; one after it
    // (while referrers were written), that it was, with its digest, as a cancel the registry answered first says it.
    const afterTag = (digest: string): StevedoreError => new StevedoreError('CANCELLED', `copy cancelled once ${targetName} was written: its referrers may be incomplete`, { tagState: 'written', digest });
    const cancelled = (): StevedoreError => tagCancelOutcome(error) ?? (written ? afterTag(written) : new StevedoreError('CANCELLED', 'copy cancelled; no tag was written'));
    const reason = request.signal?.aborted ? cancelled() : error;
    request.emit({ type: 'failed', jobId: request.jobId, target: targetName, error: toErrorInfo(reason) });
    throw reason;
  } finally {
    job.done();
  }
}

function uniqueBlobs(blobs: readonly GraphBlob[]): GraphBlob[] {
  const seen = new Map<string, GraphBlob>();
  for (const blob of blobs) if (!seen.has(blob.digest)) seen.set(blob.digest, blob);
  return [...seen.values()];
}

function count(plan: readonly PlannedBlob[], action: PlannedBlob['action']): number {
  return plan.filter((p) => p.action === action).length;
}

/**
 * The source's bytes, unchanged: the digest (and any signature over it) stays valid. Nothing is written when the
 * destination already has that manifest under that reference (a repeated copy writes nothing at all).
 */
async function putManifest(sessions: UploadSessions, reference: string, manifest: GraphManifest, held: Promise<string | undefined>, signal: AbortSignal): Promise<void> {
  if ((await held) === manifest.digest) return;
  await storeManifest(sessions, reference, manifest, signal);
}

async function storeManifest(sessions: UploadSessions, reference: string, manifest: GraphManifest, signal: AbortSignal): Promise<void> {
  const stored = await sessions.putManifest(reference, manifest.bytes, manifest.mediaType, signal);
  if (stored && stored !== manifest.digest) throw new StevedoreError('DIGEST_MISMATCH', `the registry stored manifest ${stored}, the source's is ${manifest.digest}`);
}

/** The digest the destination holds under a reference (undefined: nothing); asked early, awaited at the manifest's turn. */
function heldDigest(target: RegistryClient, repository: string, reference: string, signal: AbortSignal): Promise<string | undefined> {
  const digest = target.headManifest(repository, reference, signal).then(
    (held) => held.digest,
    (error: unknown) => {
      if (isStevedoreError(error, 'NOT_FOUND')) return undefined;
      throw error;
    },
  );
  // A copy that fails before this is awaited must not leave it an unhandled rejection.
  digest.catch(() => undefined);
  return digest;
}

