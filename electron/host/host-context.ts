// The host's shared parts as the handler modules see them: what a handler is, what the host was given, and what it
// holds for every request (clients, jobs, caches). Types only, so handlers and the host do not import each other.
import type { EventChannel, EventPayload, ParsedArgs, RequestChannel, RequestResult } from '../../shared/contract.js';
import type { OpenedArchive } from '../core/archive/inspect-archive.js';
import type { TagInfoCache } from '../core/image/tag-infos.js';
import type { CatalogCache } from './catalog-cache.js';
import type { ProfileStore } from './profile-store.js';
import type { PushJobs } from './push-jobs.js';
import type { RegistryClients } from './registry-clients.js';
import type { SecretStore } from './secret-store.js';
import type { SystemNetwork } from './system-network.js';
import type { WorkBehind } from './work-behind.js';

/** `signal` aborts when the caller goes away (a closed socket) or the host closes: long reads stop with it. */
export type Handlers = { readonly [C in RequestChannel]: (args: ParsedArgs<C>, signal: AbortSignal) => Promise<RequestResult<C>> };

/**
 * Who is calling (one window, one socket) and the id it gave this call, so `request:cancel` from the same caller can
 * abort it. A caller that goes away aborts its `signal` instead: both end in the same per-request signal.
 */
export interface CallMeta {
  readonly scope?: string;
  readonly requestId?: string;
}

export interface HostDeps {
  readonly profiles: ProfileStore;
  readonly secrets: SecretStore;
  readonly cacheDir: string;
  /** The OS's proxy and certificate store (the desktop app); the CLI and web host use the environment. */
  readonly network?: SystemNetwork;
  /**
   * The web host: export:start writes only a file name into this folder (a page, or whoever got its token, must not
   * choose where on this machine a file is written: ~/.bashrc). Absent (the desktop): any folder the user typed.
   */
  readonly exportDir?: string;
  /**
   * The desktop: whether the user chose this file in the native save dialog, which asked before replacing it. Asked
   * once per export: a file the dialog did not name is never replaced.
   */
  readonly replaceConfirmed?: (file: string) => boolean;
  readonly emit: <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;
}

export interface HostContext {
  readonly deps: HostDeps;
  readonly clients: RegistryClients;
  readonly jobs: PushJobs;
  /** Archives inspected, by path, so push:start does not read them twice. */
  openArchive(path: string, signal?: AbortSignal): Promise<OpenedArchive>;
  /** Registries that refused a delete, with their reason. */
  readonly deleteRefused: Map<string, string>;
  /** Tag summaries by digest, and the digest each tag had, for tag lists asked again. */
  readonly tagInfos: TagInfoCache;
  /** Each registry's last complete catalog, shown at once next time. */
  readonly catalogs: CatalogCache;
  /** Work left running after an answer; close() waits for it. */
  readonly behind: WorkBehind;
  /** Aborted when the host closes: work that only serves later requests (pages read ahead) stops with it. */
  readonly closing: AbortSignal;
}
