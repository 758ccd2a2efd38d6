// Serves the contract: validates every request against its schema, runs its handler, and answers with a Result that
// keeps the engine's error codes. Shared by the Electron main process and the local web host.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { requests, type EventChannel, type EventPayload, type ParsedArgs, type RequestChannel, type RequestResult, type Result } from '../../shared/contract.js';
import { inspectArchive, type OpenedArchive } from '../core/archive/inspect-archive.js';
import { ContentCache } from '../core/cache/content-cache.js';
import { StevedoreError, toErrorInfo } from '../core/errors.js';
import { LayerCache } from '../core/push/layer-cache.js';
import { parseRegistry } from '../core/reference.js';
import { openGzipEngine, type GzipEngine } from '../core/workers/gzip-engine.js';
import { imageHandlers } from './image-handlers.js';
import type { ProfileStore } from './profile-store.js';
import { PushJobs } from './push-jobs.js';
import { registryHandlers } from './registry-handlers.js';
import { RegistryClients } from './registry-clients.js';
import type { SecretStore } from './secret-store.js';

export type Handlers = { readonly [C in RequestChannel]: (args: ParsedArgs<C>) => Promise<RequestResult<C>> };

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
}

export class ContractHost {
  readonly #handlers: Handlers;
  readonly #gzip: GzipEngine;
  readonly #context: HostContext;

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

  /** Never throws: every failure becomes a Result with a stable code. */
  async handle(channel: string, raw: unknown): Promise<Result<unknown>> {
    if (!Object.hasOwn(requests, channel)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel "${channel}"` } };
    const spec = requests[channel as RequestChannel];
    const parsed = spec.args.safeParse(raw ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ');
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${channel}: ${problems}` } };
    }
    try {
      const handler = this.#handlers[channel as RequestChannel] as (args: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  async close(): Promise<void> {
    this.#context.jobs.cancelAll();
    await this.#gzip.close();
    await this.#context.clients.close();
  }
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEVEDORE_DATA_DIR ?? join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? '.', '.config'), 'stevedore');
}
