// Serves the contract: validates every request against its schema, runs its handler, and answers with a Result that
// keeps the engine's error codes. Shared by the Electron main process and the local web host.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { requests, type EventChannel, type EventPayload, type ParsedArgs, type RequestChannel, type RequestResult, type Result } from '../../shared/contract.js';
import { inspectArchive, type OpenedArchive } from '../core/archive/inspect-archive.js';
import { ContentCache } from '../core/cache/content-cache.js';
import { StevedoreError, toErrorInfo } from '../core/errors.js';
import { TagInfoCache } from '../core/image/tag-infos.js';
import { LayerCache } from '../core/push/layer-cache.js';
import { parseRegistry } from '../core/reference.js';
import { openGzipEngine, type GzipEngine } from '../core/workers/gzip-engine.js';
import { CatalogCache } from './catalog-cache.js';
import { imageHandlers } from './image-handlers.js';
import type { ProfileStore } from './profile-store.js';
import { PushJobs } from './push-jobs.js';
import { registryHandlers } from './registry-handlers.js';
import { RegistryClients } from './registry-clients.js';
import type { SecretStore } from './secret-store.js';

/** What a handler gets besides its arguments: a signal that aborts when the caller cancels or goes away. */
export interface CallContext {
  readonly signal: AbortSignal;
}

export type Handlers = { readonly [C in RequestChannel]: (args: ParsedArgs<C>, call: CallContext) => Promise<RequestResult<C>> };

/** Who is calling (one window, one socket) and the id it gave this call, for `request:cancel`. */
export interface CallMeta {
  readonly scope?: string;
  readonly requestId?: string;
}

export interface HostDeps {
  readonly profiles: ProfileStore;
  readonly secrets: SecretStore;
  readonly cacheDir: string;
  readonly emit: <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;
}

export interface HostContext {
  readonly deps: HostDeps;
  readonly clients: RegistryClients;
  readonly jobs: PushJobs;
  /** Archives inspected, by path, so push:start does not read them twice. */
  openArchive(path: string): Promise<OpenedArchive>;
  /** Registries that refused a delete, with their reason. */
  readonly deleteRefused: Map<string, string>;
  /** Tag summaries by digest, and the digest each tag had, for tag lists asked again. */
  readonly tagInfos: TagInfoCache;
  /** Catalogs as last seen, shown at once next time. */
  readonly catalogs: CatalogCache;
}

export class ContractHost {
  readonly #handlers: Handlers;
  readonly #gzip: GzipEngine;
  readonly #context: HostContext;
  /** Requests in flight, by caller and by the caller's request id; an entry lives as long as its request. */
  readonly #inFlight = new Map<string, Map<string, AbortController>>();
  #anonymous = 0;

  constructor(deps: HostDeps) {
    this.#gzip = openGzipEngine();
    const archives = new Map<string, { mtimeMs: number; archive: OpenedArchive }>();
    const context: HostContext = {
      deps,
      clients: new RegistryClients(deps.secrets, new ContentCache(deps.cacheDir)),
      jobs: new PushJobs(this.#gzip, new LayerCache(deps.cacheDir), {
        progress: (event) => deps.emit('push:progress', event),
        finished: (view) => deps.emit('push:finished', view),
      }),
      deleteRefused: new Map(),
      tagInfos: new TagInfoCache(),
      catalogs: new CatalogCache(deps.cacheDir),
      async openArchive(path) {
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) throw new StevedoreError('INVALID_ARGUMENT', `${path} is not a file`);
        const known = archives.get(path);
        if (known && known.mtimeMs === info.mtimeMs) return known.archive;
        const archive = await inspectArchive(path);
        archives.set(path, { mtimeMs: info.mtimeMs, archive });
        if (archives.size > 20) archives.delete(archives.keys().next().value as string);
        return archive;
      },
    };
    this.#context = context;
    this.#handlers = {
      ...registryHandlers(context),
      ...imageHandlers(context),
      'archive:inspect': async ({ path }) => (await context.openArchive(path)).inspection,
      'push:start': async ({ path, imageId, registryId, repository, tag, compression }) => {
        const archive = await context.openArchive(path);
        const profile = await deps.profiles.get(registryId);
        const client = await context.clients.for(profile);
        const { registry } = parseRegistry(profile.url);
        return { jobId: context.jobs.start(archive, imageId, { registry, repository, tag }, client, { compression, jobs: profile.concurrency }) };
      },
      'push:cancel': async ({ jobId }) => ({ cancelled: context.jobs.cancel(jobId) }),
      'push:list': async () => context.jobs.list(),
      // Answered in handle(), which knows the caller.
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

  /** Aborts every request of one caller still in flight (its window closed, its socket dropped). */
  cancelScope(scope: string): void {
    const calls = this.#inFlight.get(scope);
    this.#inFlight.delete(scope);
    for (const controller of calls?.values() ?? []) controller.abort();
  }

  /** Requests in flight, for tests and diagnostics. */
  get inFlight(): number {
    let count = 0;
    for (const calls of this.#inFlight.values()) count += calls.size;
    return count;
  }

  /** Never throws: every failure becomes a Result with a stable code. */
  async handle(channel: string, raw: unknown, meta: CallMeta = {}): Promise<Result<unknown>> {
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
      controller?.abort();
      return { ok: true, value: { cancelled: controller !== undefined } };
    }
    const key = meta.requestId ?? `\u0000${++this.#anonymous}`;
    const controller = new AbortController();
    const calls = this.#inFlight.get(scope) ?? new Map<string, AbortController>();
    calls.get(key)?.abort();
    calls.set(key, controller);
    this.#inFlight.set(scope, calls);
    const cancelled = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new StevedoreError('CANCELLED', `${channel} cancelled`)), { once: true }));
    cancelled.catch(() => undefined);
    try {
      const handler = this.#handlers[channel as RequestChannel] as (args: unknown, call: CallContext) => Promise<unknown>;
      // The answer goes as soon as the caller cancels; the engine unwinds behind it through the signal.
      return { ok: true, value: await Promise.race([handler(parsed.data, { signal: controller.signal }), cancelled]) };
    } catch (error) {
      if (controller.signal.aborted) return { ok: false, error: { code: 'CANCELLED', message: `${channel} cancelled` } };
      const info = toErrorInfo(error);
      return { ok: false, error: info.code === 'REGISTRY_ERROR' && !(error instanceof StevedoreError) ? { code: 'INTERNAL', message: info.message } : info };
    } finally {
      if (calls.get(key) === controller) calls.delete(key);
      if (calls.size === 0 && this.#inFlight.get(scope) === calls) this.#inFlight.delete(scope);
    }
  }

  async close(): Promise<void> {
    for (const scope of [...this.#inFlight.keys()]) this.cancelScope(scope);
    this.#context.jobs.cancelAll();
    await this.#gzip.close();
    await this.#context.clients.close();
  }
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEVEDORE_DATA_DIR ?? join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? '.', '.config'), 'stevedore');
}
