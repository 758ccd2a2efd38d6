// Serves the contract: validates every request against its schema, runs its handler, and answers with a Result that
// keeps the engine's error codes. Shared by the Electron main process and the local web host.
import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { requests, type ParsedArgs, type RequestChannel, type Result } from '../../shared/contract.js';
import { inspectArchive, type OpenedArchive } from '../core/archive/inspect-archive.js';
import { ContentCache } from '../core/cache/content-cache.js';
import { StevedoreError, toErrorInfo } from '../core/errors.js';
import { TagInfoCache } from '../core/image/tag-infos.js';
import { logError } from '../core/log.js';
import { LayerCache } from '../core/push/layer-cache.js';
import { openGzipEngine, type GzipEngine } from '../core/workers/gzip-engine.js';
import { CatalogCache } from './catalog-cache.js';
import { catalogHandlers } from './catalog-handlers.js';
import { imageHandlers } from './image-handlers.js';
import { PushJobs } from './push-jobs.js';
import { linkSignals } from '../core/linked-signal.js';
import { registryHandlers } from './registry-handlers.js';
import { RegistryClients } from './registry-clients.js';
import { downloadArgs, streamExport, transferHandlers } from './transfer-handlers.js';
import type { CallMeta, Handlers, HostContext, HostDeps } from './host-context.js';
import { pushHandlers } from './push-handlers.js';
import { WorkBehind } from './work-behind.js';
import { xrayHandlers } from './xray-handlers.js';

export type { CallMeta, Handlers, HostContext, HostDeps } from './host-context.js';
export { defaultDataDir } from './data-dir.js';

export class ContractHost {
  readonly #handlers: Handlers;
  readonly #gzip: GzipEngine;
  readonly #context: HostContext;
  /** Aborted by close(): archive reads still running then are cancelled, and their worker threads terminated. */
  readonly #closing = new AbortController();
  /** Archive reads in progress, by path, so they can be stopped when their file goes away. */
  readonly #reading = new Map<string, Set<AbortController>>();
  /** Requests in flight, by caller and by the caller's request id; an entry lives as long as its request. */
  readonly #inFlight = new Map<string, Map<string, AbortController>>();
  #anonymous = 0;

  constructor(deps: HostDeps) {
    this.#gzip = openGzipEngine();
    const closing = this.#closing.signal;
    // Every request in flight listens to it: no listener-count warning.
    setMaxListeners(0, closing);
    const reading = this.#reading;
    const archives = new Map<string, { mtimeMs: number; archive: OpenedArchive }>();
    const context: HostContext = {
      deps,
      clients: new RegistryClients(deps.secrets, new ContentCache(deps.cacheDir), deps.network),
      jobs: new PushJobs(this.#gzip, new LayerCache(deps.cacheDir), {
        progress: (event) => deps.emit('push:progress', event),
        finished: (view) => deps.emit('push:finished', view),
      }),
      deleteRefused: new Map(),
      tagInfos: new TagInfoCache(),
      catalogs: new CatalogCache(deps.cacheDir),
      behind: new WorkBehind(),
      closing,
      async openArchive(path, signal) {
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) throw new StevedoreError('INVALID_ARGUMENT', `${path} is not a file`);
        const known = archives.get(path);
        if (known && known.mtimeMs === info.mtimeMs) return known.archive;
        const stop = new AbortController();
        const readers = reading.get(path) ?? new Set<AbortController>();
        reading.set(path, readers.add(stop));
        const linked = linkSignals([closing, stop.signal, signal]);
        try {
          const archive = await inspectArchive(path, linked.signal);
          archives.set(path, { mtimeMs: info.mtimeMs, archive });
          if (archives.size > 20) archives.delete(archives.keys().next().value as string);
          return archive;
        } finally {
          linked.done();
          readers.delete(stop);
          if (readers.size === 0) reading.delete(path);
        }
      },
    };
    this.#context = context;
    this.#handlers = {
      ...registryHandlers(context),
      ...catalogHandlers(context),
      ...imageHandlers(context),
      ...xrayHandlers(context),
      ...transferHandlers(context),
      ...pushHandlers(context),
      // Answered in #answer(), which knows the caller.
      'request:cancel': async () => ({ cancelled: false }),
    };
  }

  /** The channels this host answers (a test checks it is every channel of the contract). */
  channels(): string[] {
    return Object.keys(this.#handlers);
  }

  get activePushes(): number {
    return this.#context.jobs.active;
  }

  cancelPushes(): void {
    this.#context.jobs.cancelAll();
  }

  /** Whether a running push reads this archive. */
  pushesUsing(path: string): boolean {
    return this.#context.jobs.list().some((job) => job.state === 'running' && job.archive === path);
  }

  /** Stops every read of this archive in progress: its file is going away (a dismissed upload). */
  stopReading(path: string): void {
    for (const stop of this.#reading.get(path) ?? []) stop.abort(new StevedoreError('CANCELLED', `${path} was dismissed`));
  }

  /** Requests being handled now (each may hold an archive-reading worker). */
  get pendingRequests(): number {
    let count = 0;
    for (const calls of this.#inFlight.values()) count += calls.size;
    return count;
  }

  /** Never throws: every failure becomes a Result with a stable code. */
  async handle(channel: string, raw: unknown, signal?: AbortSignal, meta: CallMeta = {}): Promise<Result<unknown>> {
    const result = await this.#answer(channel, raw, signal, meta);
    if (!result.ok) logError(`contract ${channel}`, result.error);
    return result;
  }

  async #answer(channel: string, raw: unknown, signal: AbortSignal | undefined, meta: CallMeta): Promise<Result<unknown>> {
    if (!Object.hasOwn(requests, channel)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel "${channel}"` } };
    const spec = requests[channel as RequestChannel];
    const parsed = spec.args.safeParse(raw ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ');
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${channel}: ${problems}` } };
    }
    const scope = meta.scope ?? '';
    if (channel === 'request:cancel') {
      const controller = this.#inFlight.get(scope)?.get((parsed.data as ParsedArgs<'request:cancel'>).requestId);
      controller?.abort(new StevedoreError('CANCELLED', `${channel}: cancelled by the caller`));
      return { ok: true, value: { cancelled: controller !== undefined } };
    }
    // One signal per request: aborted by request:cancel, by the caller going away (`signal`), or by close().
    const key = meta.requestId ?? `\u0000${++this.#anonymous}`;
    const own = new AbortController();
    const calls = this.#inFlight.get(scope) ?? new Map<string, AbortController>();
    calls.get(key)?.abort(new StevedoreError('CANCELLED', `${channel}: replaced by a request with the same id`));
    calls.set(key, own);
    this.#inFlight.set(scope, calls);
    const linked = linkSignals([this.#closing.signal, signal, own.signal]);
    try {
      const handler = this.#handlers[channel as RequestChannel] as (args: unknown, signal: AbortSignal) => Promise<unknown>;
      // Answered once the handler has unwound (its registry requests and worker threads stopped), so a cancelled
      // request leaves nothing running; the renderer settles its own call at once (lib/requests.ts).
      return { ok: true, value: await handler(parsed.data, linked.signal) };
    } catch (error) {
      if (linked.signal.aborted) return { ok: false, error: { code: 'CANCELLED', message: `${channel} cancelled` } };
      return { ok: false, error: toErrorInfo(error) };
    } finally {
      linked.done();
      if (calls.get(key) === own) calls.delete(key);
      if (calls.size === 0 && this.#inFlight.get(scope) === calls) this.#inFlight.delete(scope);
    }
  }

  /** An image as a tar written to a stream (the web host's browser download). Never throws; `open` gives the stream. */
  async download(raw: unknown, open: (filename: string) => Writable, signal: AbortSignal, jobId?: string): Promise<Result<{ readonly digest: string }>> {
    const parsed = downloadArgs.safeParse(raw ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `export download: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ')}` } };
    try {
      return { ok: true, value: { digest: await streamExport(this.#context, parsed.data, open, signal, jobId) } };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  /**
   * Stops everything, and resolves once it has stopped: the jobs cancelled (their partial files removed) and the work
   * left behind answers (a catalog being written) finished, so nothing writes into the cache folder afterwards.
   */
  async close(): Promise<void> {
    this.#closing.abort(new StevedoreError('CANCELLED', 'the app is closing'));
    this.#context.jobs.cancelAll();
    await Promise.all([this.#context.jobs.settled(), this.#context.behind.settled()]);
    await this.#gzip.close();
    await this.#context.clients.close();
  }
}
