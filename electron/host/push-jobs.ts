// Push jobs owned by the host: they outlive a renderer reload, report through events, and can be cancelled.
// Finished jobs are kept in a short bounded history for the transfers panel.
import { randomUUID } from 'node:crypto';
import type { ImageLocation, PushJobView } from '../../shared/contract.js';
import type { BlobProgress, PushEvent } from '../../shared/push.js';
import { compressorLabel } from '../../shared/transfer-summary.js';
import type { OpenedArchive } from '../core/archive/inspect-archive.js';
import { StevedoreError, toErrorInfo, isStevedoreError } from '../core/errors.js';
import type { LayerCache } from '../core/push/layer-cache.js';
import { DEFAULT_PUSH_SETTINGS, pushImage, type PushSettings } from '../core/push/push-image.js';
import { formatReference, type Reference } from '../core/reference.js';
import type { RegistryClient } from '../core/registry/client.js';
import type { GzipEngine } from '../core/workers/gzip-engine.js';

const HISTORY = 50;
/**
 * Blob states the history keeps, over all its jobs. A job lists up to 10,000 layers (a hostile archive's bound) and a
 * copy far more (16 MB of manifests from a registry), so 50 jobs' every blob would be millions of records kept and
 * sent to each page that asks for the list. Past this, older jobs are kept without them: a reloaded page then says
 * only how each ended, as it does for a job that named no blob.
 */
export const HISTORY_BLOBS = 20_000;

interface Running {
  view: PushJobView;
  readonly controller: AbortController;
  /** Every blob's last state: a progress event carries only the blobs that changed since the one before. */
  readonly blobs: Map<string, BlobProgress>;
  /** The last plan or progress event (the outcome events repeat no blob). */
  last?: Extract<PushEvent, { type: 'plan' | 'progress' }>;
}

export interface JobEvents {
  progress(event: PushEvent): void;
  finished(view: PushJobView): void;
}

export class PushJobs {
  readonly #running = new Map<string, Running>();
  #history: PushJobView[] = [];
  /** Each running job's end, its outcome recorded. */
  readonly #ending = new Set<Promise<void>>();

  constructor(
    private readonly gzip: GzipEngine,
    private readonly layers: LayerCache,
    private readonly events: JobEvents,
  ) {}

  /**
   * `title`: the target as people read it (the registry's name rather than its host); the reference by default.
   * `opens`: where the app opens the pushed image (its registry profile), kept in the job's view.
   */
  start(archive: OpenedArchive, imageId: number, target: Reference, client: RegistryClient, settings: Partial<PushSettings>, title = formatReference(target), opens?: ImageLocation): string {
    const image = archive.inspection.images[imageId];
    if (!image) throw new StevedoreError('INVALID_ARGUMENT', `the archive has no image ${imageId} (it holds ${archive.inspection.images.length}, numbered from 0)`);
    return this.run({ target: title, archive: archive.source.path, ...(opens ? { opens } : {}) }, ({ jobId, emit, signal }) =>
      pushImage({ jobId, archive, image, target, emit, signal }, { client, gzip: this.gzip, layers: this.layers }, { ...DEFAULT_PUSH_SETTINGS, ...settings }),
    );
  }

  /**
   * Runs any transfer (push, copy, export) as a job: events, cancel and history like a push. Resolves to its digest.
   * `jobId`: one the caller already handed out (a browser download's, given with its ticket).
   */
  run(view: Pick<PushJobView, 'target' | 'archive' | 'kind' | 'opens'>, transfer: (job: { readonly jobId: string; readonly emit: (event: PushEvent) => void; readonly signal: AbortSignal }) => Promise<string>, jobId: string = randomUUID()): string {
    if (this.#running.has(jobId)) throw new StevedoreError('INVALID_ARGUMENT', `job ${jobId} is already running`);
    const controller = new AbortController();
    const job: Running = { controller, blobs: new Map(), view: { jobId, ...view, state: 'running', startedAt: new Date().toISOString() } };
    this.#running.set(jobId, job);
    const emit = (raw: PushEvent): void => {
      const event = this.#named(raw);
      if (event.type === 'plan') job.blobs.clear();
      if (event.type === 'plan' || event.type === 'progress') {
        for (const blob of event.blobs) job.blobs.set(blob.id, blob);
        job.last = event;
      }
      this.events.progress(event);
    };
    const ending = transfer({ jobId, emit, signal: controller.signal }).then(
      (digest) => this.#finish(jobId, { state: 'pushed', digest }),
      (error: unknown) => this.#finish(jobId, isStevedoreError(error, 'CANCELLED') || controller.signal.aborted ? cancelledView(error) : { state: 'failed', error: toErrorInfo(error) }),
    );
    this.#ending.add(ending);
    const ended = (): boolean => this.#ending.delete(ending);
    void ending.then(ended, ended);
    return jobId;
  }

  cancel(jobId: string): boolean {
    const job = this.#running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  list(): PushJobView[] {
    return [...[...this.#running.values()].map(viewOf), ...this.#history];
  }

  get active(): number {
    return this.#running.size;
  }

  cancelAll(): void {
    for (const job of this.#running.values()) job.controller.abort();
  }

  /** Resolves once every job has ended: a cancelled one has stopped writing and removed what it leaves no use for. */
  async settled(): Promise<void> {
    while (this.#ending.size > 0) await Promise.allSettled(this.#ending);
  }

  /** A plan with layers to gzip names what gzips them, as the push's outcome does: the engine starts with them anyway. */
  #named(event: PushEvent): PushEvent {
    return event.type === 'plan' && event.blobs.some((blob) => blob.action === 'compress') ? { ...event, compressor: compressorLabel(this.gzip.name) } : event;
  }

  #finish(jobId: string, outcome: Pick<PushJobView, 'state' | 'digest' | 'error'>): void {
    const job = this.#running.get(jobId);
    if (!job) return;
    this.#running.delete(jobId);
    const view: PushJobView = { ...viewOf(job), ...outcome, ...compressedBy(job.blobs, this.gzip) };
    this.#history = withinBlobBudget([view, ...this.#history].slice(0, HISTORY));
    this.events.finished(view);
  }
}

/**
 * The engine that gzipped a push's layers, as people name it: only when a layer was compressed, so the engine was
 * started by then and naming it costs nothing.
 */
function compressedBy(blobs: ReadonlyMap<string, BlobProgress>, gzip: GzipEngine): Pick<PushJobView, 'compressor'> {
  const compressed = [...blobs.values()].some((blob) => blob.action === 'compress' && blob.state === 'done');
  return compressed ? { compressor: compressorLabel(gzip.name) } : {};
}

/** `history`, newest first: each job keeps its blobs if they fit in what HISTORY_BLOBS leaves after the newer ones'. */
function withinBlobBudget(history: readonly PushJobView[]): PushJobView[] {
  let kept = 0;
  return history.map((view) => {
    const blobs = view.last?.type === 'plan' || view.last?.type === 'progress' ? view.last.blobs.length : 0;
    if (kept + blobs <= HISTORY_BLOBS) {
      kept += blobs;
      return view;
    }
    const { last: _dropped, ...rest } = view;
    return rest;
  });
}

/** The job as the host lists it: its last event with every blob's state, so a reloaded renderer draws the whole job. */
function viewOf(job: Running): PushJobView {
  return job.last ? { ...job.view, last: { ...job.last, blobs: [...job.blobs.values()] } } : job.view;
}

/** A cancelled job; one cancelled once the registry had written its tag keeps the digest the tag names, as a pushed one. */
function cancelledView(error: unknown): Pick<PushJobView, 'state' | 'digest' | 'error'> {
  const info = toErrorInfo(error);
  const written = info.details?.tagState === 'written' ? info.details.digest : undefined;
  return { state: 'cancelled', error: info, ...(written ? { digest: written } : {}) };
}
