// The one contract between the renderer and the engine: every request channel with its argument schema and result
// type, every event channel with its payload. The preload, the web client and both hosts are derived from it, so an
// operation is one line here, its name in contract-client.ts (which the renderer loads without the schemas), and one
// handler.
import * as z from 'zod';
import type { ArchiveInspection } from './archive.js';
import { EVENT_CHANNELS, REQUEST_CHANNELS, buildApi, methodName, type MethodName } from './contract-client.js';
import { DIGEST_PATTERN, DIGEST_SOURCE } from './digests.js';
import type { LayerComparison } from './compare.js';
import type { ErrorInfo } from './errors.js';
import type { ImageConfig, ImageSummary, PlatformImage, TagRow } from './image.js';
import type { PushEvent } from './push.js';
import type { RegistryTestResult, RegistryView } from './registry-profile.js';
import type { LayerChanges, OpenedFile, WasteReport, XrayDiffView, XrayFilesView, XrayProgress } from './xray.js';

/** A result type carried by the map without a runtime value. */
const returns = <T>(): T => undefined as unknown as T;

const id = z.string().min(1).max(200);
const repository = z.string().min(1).max(255).regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, 'not a valid repository name');
const reference = z.string().min(1).max(300).regex(new RegExp(`^(?:[\\w][\\w.-]{0,127}|${DIGEST_SOURCE})$`), 'not a tag or digest');
const digest = z.string().regex(DIGEST_PATTERN, 'not a digest');
const tag = z.string().regex(/^[\w][\w.-]{0,127}$/, 'not a valid tag');
const cursor = z.string().max(1000).optional();
const filePath = z.string().min(1).max(4096);
/** Chosen by the caller so it can cancel the request before the answer comes. */
const requestId = z.string().min(1).max(100);
/** Tags per `tags:summaries` call: enough to batch, small enough that one call answers in a few seconds. */
export const MAX_SUMMARY_BATCH = 200;

/** A registry profile as the page sends it (and, with its id, as the host keeps it on disk). */
export const profileInput = z.object({
  id: id.optional(),
  name: z.string().min(1).max(100),
  url: z.string().min(1).max(500),
  credentialSource: z.enum(['none', 'stored', 'docker-config']),
  username: z.string().max(200).optional(),
  caFile: filePath.optional(),
  insecure: z.boolean().default(false),
  concurrency: z.number().int().min(1).max(32).default(4),
  bookmarks: z.array(repository).max(10_000).default([]),
});

const imageRef = z.object({ registryId: id, repository, reference, platform: z.string().max(100).optional() });
/** What the file views look at: an image in a registry, or one in an archive on disk. */
const xrayTarget = z.union([imageRef, z.object({ path: filePath, imageId: z.number().int().min(0).default(0), platform: z.string().max(100).optional() })]);

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back to get the next page; absent on the last. */
  readonly next?: string;
}

/** A registry's last complete catalog as the host kept it (its first `limit` names when asked); no `savedAt` when none is kept. */
export interface CachedCatalog {
  readonly items: readonly string[];
  /** How many names the whole copy holds. */
  readonly total: number;
  readonly savedAt?: string;
}

export interface ImageView extends ImageSummary {
  /** `rawConfig`: the config blob as stored, for the raw view beside the manifest. */
  readonly platforms: readonly (PlatformImage & { readonly config?: ImageConfig; readonly rawConfig?: string })[];
  /** The manifest as the registry sent it, for the raw JSON view. */
  readonly rawManifest: string;
  readonly deletable: boolean;
}

export interface HostInfo {
  readonly secureStore: boolean;
  /** Why there is none, to show beside the option it disables. */
  readonly secureStoreReason?: string;
  /** The platform a pull on this host gets (os/architecture), e.g. linux/amd64: what platform pickers start on. */
  readonly platform?: string;
}

export interface TagSummaries {
  readonly items: readonly TagRow[];
  /** False once the registry refused a delete. */
  readonly deletable: boolean;
}

/** An image as the app opens it: a registry profile's id, a repository and a tag or digest. */
export interface ImageLocation {
  readonly registryId: string;
  readonly repository: string;
  readonly reference: string;
}

export interface PushJobView {
  readonly jobId: string;
  /** Copies and exports are jobs too, with the same events and cancel; absent means push. */
  readonly kind?: 'push' | 'copy' | 'export';
  readonly target: string;
  /** Where the job reads from: the archive's path, or the source image's reference. */
  readonly archive: string;
  readonly state: 'running' | 'pushed' | 'failed' | 'cancelled';
  readonly startedAt: string;
  readonly digest?: string;
  readonly error?: ErrorInfo;
  /**
   * The image the job writes in a registry (a push's or a copy's destination; an export writes a file): the host
   * keeps it, so a reloaded renderer can still open what a finished job made.
   */
  readonly opens?: ImageLocation;
  /** The last progress, so a reloaded renderer can draw the job at once. */
  readonly last?: PushEvent;
  /**
   * What gzipped the layers a finished push compressed (`libdeflate 1.22`, or `zlib 1.3.1`, the slower fallback);
   * absent when it compressed nothing.
   */
  readonly compressor?: string;
}

/** What each request channel holds: its argument schema, and its result type (as a type only). */
interface RequestSpec {
  readonly args: z.ZodType;
  readonly result: unknown;
}

export const requests = {
  'registries:list': { args: z.object({}), result: returns<readonly RegistryView[]>() },
  'registries:save': { args: z.object({ profile: profileInput, secret: z.string().max(10_000).optional() }), result: returns<RegistryView>() },
  'registries:remove': { args: z.object({ id }), result: returns<{ readonly removed: boolean }>() },
  'registries:test': { args: z.object({ id }), result: returns<RegistryTestResult>() },
  /** Tests a profile before it is saved: "Save and test" saves only what works, unless the user says otherwise. */
  'registries:check': { args: z.object({ profile: profileInput, secret: z.string().max(10_000).optional() }), result: returns<RegistryTestResult>() },
  /** What this host can do: the web host and the CLI have no secure store for passwords. */
  'app:info': { args: z.object({}), result: returns<HostInfo>() },
  'catalog:list': { args: z.object({ registryId: id, cursor, pageSize: z.number().int().min(1).max(1000).optional() }), result: returns<Page<string>>() },
  'catalog:cached': { args: z.object({ registryId: id, limit: z.number().int().min(1).max(1_000_000).optional() }), result: returns<CachedCatalog>() },
  'tags:list': { args: z.object({ registryId: id, repository, cursor }), result: returns<Page<string>>() },
  'tags:summaries': {
    args: z.object({ registryId: id, repository, tags: z.array(tag).min(1).max(MAX_SUMMARY_BATCH) }),
    result: returns<TagSummaries>(),
  },
  'image:summary': { args: imageRef, result: returns<ImageView>() },
  'image:delete': { args: z.object({ registryId: id, repository, digest }), result: returns<{ readonly deleted: string }>() },
  'archive:inspect': { args: z.object({ path: filePath }), result: returns<ArchiveInspection>() },
  'push:start': {
    args: z.object({ path: filePath, imageId: z.number().int().min(0).default(0), registryId: id, repository, tag, compression: z.enum(['gzip', 'keep']).default('gzip') }),
    result: returns<{ readonly jobId: string }>(),
  },
  'push:cancel': { args: z.object({ jobId: id }), result: returns<{ readonly cancelled: boolean }>() },
  'push:list': { args: z.object({}), result: returns<readonly PushJobView[]>() },
  'copy:start': { args: z.object({ registryId: id, repository, reference, targetRegistryId: id, targetRepository: repository, targetTag: tag, platform: z.string().max(100).optional(), referrers: z.boolean().default(false) }), result: returns<{ readonly jobId: string }>() },
  'export:start': { args: z.object({ registryId: id, repository, reference, path: filePath, format: z.enum(['docker-archive', 'oci-archive']).default('docker-archive'), platform: z.string().max(100).optional() }), result: returns<{ readonly jobId: string; /** The file it writes (the web host puts a name in its export folder). */ readonly file: string }>() },
  'compare:images': { args: z.object({ images: z.array(imageRef).min(2).max(8) }), result: returns<LayerComparison>() },
  /** Aborts a request of the same client still in flight: it answers CANCELLED and the engine stops its work. */
  'request:cancel': { args: z.object({ requestId }), result: returns<{ readonly cancelled: boolean }>() },
  'xray:files': { args: z.object({ target: xrayTarget }), result: returns<XrayFilesView>() },
  'xray:layer': { args: z.object({ target: xrayTarget, layer: z.number().int().min(0).max(10_000) }), result: returns<LayerChanges>() },
  'xray:waste': { args: z.object({ target: xrayTarget }), result: returns<WasteReport>() },
  'xray:diff': { args: z.object({ from: xrayTarget, to: xrayTarget }), result: returns<XrayDiffView>() },
  'xray:open': { args: z.object({ target: xrayTarget, path: z.string().min(1).max(4096) }), result: returns<OpenedFile>() },
  'xray:cancel': { args: z.object({ target: xrayTarget }), result: returns<{ readonly cancelled: boolean }>() },
} as const satisfies Record<(typeof REQUEST_CHANNELS)[number], RequestSpec>;

export const events = {
  'push:progress': returns<PushEvent>(),
  'push:finished': returns<PushJobView>(),
  'xray:progress': returns<XrayProgress>(),
} as const satisfies Record<(typeof EVENT_CHANNELS)[number], unknown>;

export type RequestChannel = keyof typeof requests;
export type EventChannel = keyof typeof events;
export type RequestArgs<C extends RequestChannel> = z.input<(typeof requests)[C]['args']>;
export type ParsedArgs<C extends RequestChannel> = z.output<(typeof requests)[C]['args']>;
export type RequestResult<C extends RequestChannel> = (typeof requests)[C]['result'];
export type EventPayload<E extends EventChannel> = (typeof events)[E];

export { EVENT_CHANNELS, REQUEST_CHANNELS, buildApi, methodName };

/** Results cross as a value or an error with a stable code, never as a thrown exception. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorInfo };

/** Per call: an id the caller picks, so `requestCancel({ requestId })` can abort it while it runs. */
export interface RequestOptions {
  readonly requestId?: string;
}

/** What the renderer holds: one typed method per request channel, and a typed event subscription. */
export type ContractApi = {
  readonly [C in RequestChannel as MethodName<C>]: (args: RequestArgs<C>, options?: RequestOptions) => Promise<Result<RequestResult<C>>>;
} & {
  on<E extends EventChannel>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
};

/** The one function a transport provides; the API is built over it. */
export interface ContractTransport {
  invoke(channel: RequestChannel, args: unknown, requestId?: string): Promise<Result<unknown>>;
  subscribe(event: EventChannel, handler: (payload: unknown) => void): () => void;
}
