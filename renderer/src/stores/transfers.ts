// Push jobs: drops waiting to be configured, and jobs running in the host, kept up to date by its events. The
// subscription lives here, once, not in a component.
import { create } from 'zustand';
import type { ArchiveInspection } from '../../../shared/archive.js';
import type { ImageLocation, PushJobView, RequestArgs } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { BlobProgress, PushEvent, PushProgress } from '../../../shared/push.js';
import { copyTitle } from '../../../shared/transfer-title.js';
import { api, call, errorInfo, releaseUpload, type UploadProgress } from '../lib/api.js';
import { useCatalog } from './catalog.js';
import { useRegistries } from './registries.js';
import { useRepository } from './repository.js';

export interface Job {
  readonly view: PushJobView;
  readonly blobs: Readonly<Record<string, BlobProgress>>;
  readonly overall?: PushProgress;
  readonly request?: RequestArgs<'push:start'>;
  /** Where the result can be opened (a copy's destination image), as the dialog that started it knew it. */
  readonly link?: ImageLocation;
  /** How a copy or export was started, to start it again. */
  readonly again?: Again;
  /** What gzips the push's layers, as its plan named it. */
  readonly compressor?: string;
}

export type Again = { readonly channel: 'copy:start'; readonly args: RequestArgs<'copy:start'> } | { readonly channel: 'export:start'; readonly args: RequestArgs<'export:start'> };

export interface Drop {
  readonly id: number;
  readonly name: string;
  readonly state: 'uploading' | 'inspecting' | 'ready' | 'error';
  readonly path?: string;
  readonly inspection?: ArchiveInspection;
  readonly error?: ErrorInfo;
  /** Images of this archive already queued for pushing. */
  readonly queued?: readonly number[];
  /** While a browser uploads it to the web host: bytes sent of the file's size. */
  readonly uploaded?: { readonly sent: number; readonly total: number };
}

interface TransfersState {
  readonly jobs: Readonly<Record<string, Job>>;
  readonly order: readonly string[];
  readonly drops: readonly Drop[];
  readonly open: boolean;
  start(request: RequestArgs<'push:start'>, fromDrop?: number): Promise<string>;
  /**
   * Pushes one image to several tags, one after another: the first uploads the blobs, the others find them there
   * and only write their manifest. A failed push stops the rest.
   */
  startTags(request: RequestArgs<'push:start'>, tags: readonly string[], fromDrop?: number): Promise<string>;
  cancel(jobId: string): Promise<void>;
  /** A copy or export started elsewhere: shown in the panel from now on. */
  track(jobId: string, view: Pick<PushJobView, 'kind' | 'target' | 'archive'>, link?: Job['link'], again?: Again): void;
  /** Starts a copy or export again (after a failure or a cancel); the new job appears beside the old. */
  startAgain(job: Job): Promise<void>;
  /**
   * `path`: the file's path, or an upload that reports its progress and resolves to the path it was stored at;
   * dismissing the drop aborts its signal (a tarball of gigabytes is not sent to the end for nothing).
   */
  addDrop(name: string, path: Promise<string> | ((progress: UploadProgress, signal: AbortSignal) => Promise<string>)): Promise<void>;
  dismissDrop(id: number): void;
  setOpen(open: boolean): void;
}

let nextDrop = 1;
/** Uploads in progress, by drop id; an entry lives as long as its upload. */
const uploads = new Map<number, AbortController>();
/** Tags still to push after a job, by job id; dropped when the job fails. */
const followUps = new Map<string, { readonly request: RequestArgs<'push:start'>; readonly tags: readonly string[] }>();

/** Whether queueing this image queues the drop's last one. */
const allQueued = (drop: Drop, imageId = 0): boolean => [...(drop.queued ?? []), imageId].length >= (drop.inspection?.images.length ?? 1);

export const useTransfers = create<TransfersState>((set, get) => ({
  jobs: {},
  order: [],
  drops: [],
  open: false,
  async start(request, fromDrop) {
    const { jobId } = await call(api().pushStart(request));
    const drop = useTransfers.getState().drops.find((d) => d.id === fromDrop);
    // A drop whose every image is queued is done: its upload lives on only while the pushes read it.
    if (drop?.path && allQueued(drop, request.imageId)) releaseUpload(drop.path);
    set((s) => ({
      // The transfers panel takes over from a drop that is done.
      drops: s.drops.flatMap((d) => (d.id !== fromDrop ? [d] : allQueued(d, request.imageId) ? [] : [{ ...d, queued: [...(d.queued ?? []), request.imageId ?? 0] }])),
      jobs: { ...s.jobs, [jobId]: { view: s.jobs[jobId]?.view ?? { jobId, target: copyTitle(useRegistries.getState().list.find((r) => r.id === request.registryId)?.name ?? request.registryId, request.repository, request.tag), archive: request.path, state: 'running', startedAt: new Date().toISOString() }, blobs: s.jobs[jobId]?.blobs ?? {}, request } },
      order: s.order.includes(jobId) ? s.order : [jobId, ...s.order],
      open: true,
    }));
    return jobId;
  },
  async startTags(request, tags, fromDrop) {
    const [first, ...rest] = tags;
    const jobId = await get().start({ ...request, tag: first ?? request.tag }, fromDrop);
    if (rest.length === 0) return jobId;
    // A small push may have finished before its id came back.
    const state = get().jobs[jobId]?.view.state;
    if (state === 'pushed') void get().startTags(request, rest).catch(() => undefined);
    else if (state === 'running' || state === undefined) followUps.set(jobId, { request, tags: rest });
    return jobId;
  },
  track(jobId, view, link, again) {
    set((s) => ({
      // The names given here win over the host's (an event may have come first): they are what the user chose.
      jobs: { ...s.jobs, [jobId]: { view: { ...(s.jobs[jobId]?.view ?? { jobId, state: 'running', startedAt: new Date().toISOString() }), ...view }, blobs: s.jobs[jobId]?.blobs ?? {}, ...(link ? { link } : {}), ...(again ? { again } : {}) } },
      order: s.order.includes(jobId) ? s.order : [jobId, ...s.order],
      open: true,
    }));
  },
  async startAgain(job) {
    const { again } = job;
    if (!again) return;
    const { jobId } = await call(again.channel === 'copy:start' ? api().copyStart(again.args) : api().exportStart(again.args));
    get().track(jobId, { ...(job.view.kind ? { kind: job.view.kind } : {}), target: job.view.target, archive: job.view.archive }, job.link, again);
  },
  async cancel(jobId) {
    await call(api().pushCancel({ jobId }));
  },
  async addDrop(name, pending) {
    const id = nextDrop++;
    set((s) => ({ drops: [...s.drops, { id, name, state: 'uploading' }] }));
    const update = (change: Partial<Drop>): void => set((s) => ({ drops: s.drops.map((d) => (d.id === id ? { ...d, ...change } : d)) }));
    try {
      let path: string;
      if (typeof pending === 'function') {
        const stop = new AbortController();
        uploads.set(id, stop);
        try {
          path = await pending((sent, total) => update({ uploaded: { sent, total } }), stop.signal);
        } finally {
          uploads.delete(id);
        }
      } else {
        path = await pending;
      }
      if (!useTransfers.getState().drops.some((d) => d.id === id)) return releaseUpload(path);
      update({ state: 'inspecting', path });
      const inspection = await call(api().archiveInspect({ path }));
      update({ state: 'ready', inspection });
    } catch (error) {
      update({ state: 'error', error: errorInfo(error) });
    }
  },
  dismissDrop(id) {
    uploads.get(id)?.abort();
    const drop = useTransfers.getState().drops.find((d) => d.id === id);
    if (drop?.path) releaseUpload(drop.path);
    set((s) => ({ drops: s.drops.filter((d) => d.id !== id) }));
  },
  setOpen: (open) => set({ open }),
}));

function onEvent(event: PushEvent): void {
  useTransfers.setState((s) => {
    const job: Job = s.jobs[event.jobId] ?? { view: { jobId: event.jobId, target: event.target, archive: '', state: 'running', startedAt: new Date().toISOString() }, blobs: {} };
    const blobs = { ...job.blobs };
    if (event.type === 'plan' || event.type === 'progress') for (const blob of event.blobs) blobs[blob.id] = blob;
    const next: Job = { ...job, blobs, ...(event.type === 'progress' ? { overall: event.overall } : {}), ...(event.type === 'plan' && event.compressor ? { compressor: event.compressor } : {}) };
    return { jobs: { ...s.jobs, [event.jobId]: next }, order: s.order.includes(event.jobId) ? s.order : [event.jobId, ...s.order] };
  });
}

/**
 * The image a job writes in a registry: a push's target, a copy's destination (an export writes a file). The host's
 * view names it too, so a job listed again after a reload (no request, no link in this page) still opens it.
 */
export function jobImage(job: Job | undefined): ImageLocation | undefined {
  if (!job) return undefined;
  if (job.link) return job.link;
  if (job.request) return { registryId: job.request.registryId, repository: job.request.repository, reference: job.request.tag };
  return job.view.opens;
}

/**
 * Whether the job left its image in the registry: it pushed (or copied), or it was cancelled once the registry had
 * written the tag (the engine asked the registry after the cancel, and the view carries the digest the tag names).
 */
export function wroteImage(view: PushJobView): boolean {
  return view.state === 'pushed' || (view.state === 'cancelled' && view.error?.details?.tagState === 'written');
}

/** A push or a copy changed the registry: lists on screen that show it are asked again. */
function refreshAfter(job: Job | undefined): void {
  const target = jobImage(job);
  if (!target) return;
  const catalog = useCatalog.getState();
  if (catalog.registryId === target.registryId) void catalog.load(target.registryId, true);
  const repository = useRepository.getState();
  if (repository.registryId === target.registryId && repository.repository === target.repository) void repository.load(target.registryId, target.repository, true);
}

function onFinished(view: PushJobView): void {
  if (wroteImage(view)) refreshAfter(useTransfers.getState().jobs[view.jobId]);
  const next = followUps.get(view.jobId);
  followUps.delete(view.jobId);
  if (next && view.state === 'pushed') void useTransfers.getState().startTags(next.request, next.tags).catch(() => undefined);
  useTransfers.setState((s) => {
    const job = s.jobs[view.jobId] ?? { view, blobs: {} };
    // The job keeps the names the renderer gave it (registry names, not hosts); the host's view brings the outcome.
    return { jobs: { ...s.jobs, [view.jobId]: { ...job, view: { ...view, target: job.view.target, archive: job.view.archive } } }, order: s.order.includes(view.jobId) ? s.order : [view.jobId, ...s.order] };
  });
}

/** Subscribes once and picks up jobs that were running before a reload. */
export async function initTransfers(): Promise<void> {
  api().on('push:progress', onEvent);
  api().on('push:finished', onFinished);
  try {
    const jobs = await call(api().pushList({}));
    for (const view of [...jobs].reverse()) {
      onFinished(view);
      if (view.last) onEvent(view.last);
    }
  } catch {
    // the panel shows new jobs anyway
  }
}
