// Push jobs owned by the host: they outlive a renderer reload, report through events, and can be cancelled.
// Finished jobs are kept in a short bounded history for the transfers panel.
import { randomUUID } from 'node:crypto';
import type { ImageLocation, PushJobView } from '../../shared/contract.js';
import type { PushEvent } from '../../shared/push.js';
import type { OpenedArchive } from '../core/archive/inspect-archive.js';
import { StevedoreError, toErrorInfo, isStevedoreError } from '../core/errors.js';
import type { LayerCache } from '../core/push/layer-cache.js';
import { DEFAULT_PUSH_SETTINGS, pushImage, type PushSettings } from '../core/push/push-image.js';
import { formatReference, type Reference } from '../core/reference.js';
import type { RegistryClient } from '../core/registry/client.js';
import type { GzipEngine } from '../core/workers/gzip-engine.js';

const HISTORY = 50;

interface Running {
  view: PushJobView;
  readonly controller: AbortController;
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
    const job: Running = { controller, view: { jobId, ...view, state: 'running', startedAt: new Date().toISOString() } };
    this.#running.set(jobId, job);
    const emit = (event: PushEvent): void => {
      job.view = { ...job.view, last: event };
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
    return [...[...this.#running.values()].map((j) => j.view), ...this.#history];
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

  #finish(jobId: string, outcome: Pick<PushJobView, 'state' | 'digest' | 'error'>): void {
    const job = this.#running.get(jobId);
    if (!job) return;
    this.#running.delete(jobId);
    const view: PushJobView = { ...job.view, ...outcome };
    this.#history = [view, ...this.#history].slice(0, HISTORY);
    this.events.finished(view);
  }
}

/** A cancelled job; one cancelled once the registry had written its tag keeps the digest the tag names, as a pushed one. */
function cancelledView(error: unknown): Pick<PushJobView, 'state' | 'digest' | 'error'> {
  const info = toErrorInfo(error);
  const written = info.details?.tagState === 'written' ? info.details.digest : undefined;
  return { state: 'cancelled', error: info, ...(written ? { digest: written } : {}) };
}
