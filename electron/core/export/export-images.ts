// Saves images from registries into one tarball: a docker-archive (`docker load`, `podman load`: the legacy layout
// with uncompressed layers, one platform per image) or an oci-archive (the whole index, blobs as stored). Blobs
// stream from the registry into the tar, verified on the way; nothing is held whole in memory. An oci-archive's blobs
// download at once into places kept for them; a docker-archive's layers decompress at once where there are cores to
// spare, the ones ahead of their turn waiting in spool files beside the tar.
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import type { PushEvent } from '../../../shared/push.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import { jobAbort } from '../linked-signal.js';
import { ProgressReporter } from '../push/progress.js';
import { formatReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { resolveGraph, type GraphBlob, type ImageGraph } from '../copy/image-graph.js';
import { formatPlatform, hostPlatform, type PlatformChoice } from '../copy/platform.js';
import { readBlob } from '../copy/source-blob.js';
import { OCI_LAYOUT, blobPath, configPath, diffIdsOf, dockerManifestJson, dockerRepositories, layerPath, layoutIndex, type DockerEntry, type ExportedImage } from './layout.js';
import { addInOrder, type OrderedEntry } from './ordered-entries.js';
import { sideBySide } from './side-by-side.js';
import { TarFile } from './tar-file.js';
import { TarStream, type TarSink } from './tar-sink.js';
import { uncompressedLayer } from './uncompressed-layer.js';

export type ExportFormat = 'docker-archive' | 'oci-archive';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['docker-archive', 'oci-archive'];

export interface ExportRequest {
  readonly jobId: string;
  readonly references: readonly Reference[];
  /** Where the tarball goes; it appears there only once complete. */
  readonly file: string;
  /** false: a file at `file` (or one that appears there meanwhile) is never replaced: ALREADY_EXISTS. Default true. */
  readonly replace?: boolean;
  readonly format: ExportFormat;
  /** docker-archive: which platform of an index (default: this machine's); oci-archive: only that one. */
  readonly platform?: PlatformChoice;
  readonly emit: (event: PushEvent) => void;
  readonly signal?: AbortSignal;
  /** docker-archive layers decompressed at once; by default one per core beyond the first. */
  readonly layersAtOnce?: number;
}

export interface ExportResult {
  readonly file: string;
  readonly images: readonly { readonly reference: string; readonly digest: string }[];
}

/**
 * docker-archive layers downloaded and decompressed at once: one per core beyond the first, which receives, hashes
 * and writes for all of them. On two cores one layer at a time already keeps both busy (decompression beside the
 * rest), and a second would only add spool copies.
 */
const LAYERS_AT_ONCE = Math.min(4, Math.max(1, availableParallelism() - 1));
/** oci-archive blobs downloaded at once: stored as they are, so only the network and the disk bound them. */
const BLOBS_AT_ONCE = 3;

/** Images in one export: docker save takes any number, but each is a manifest.json entry. */
export const MAX_EXPORT_IMAGES = 100;

interface Writing {
  readonly tar: TarSink;
  readonly reporter: ProgressReporter;
  readonly signal: AbortSignal;
}

export async function exportImages(request: ExportRequest, clientFor: (registry: string) => Promise<RegistryClient>): Promise<ExportResult> {
  const images = await runExport(request, request.file, () => TarFile.create(request.file, request.replace ?? true), clientFor);
  return { file: request.file, images };
}

/**
 * The same tarball written in order to a stream (a browser download), with the same layout and checks: an
 * oci-archive's blobs stream through (sizes known up front); a docker-archive's layers are decompressed, spooled to a
 * temp file to learn their size, checked against the config's diff_id, and only then sent. A failure destroys the
 * stream, so the download breaks instead of ending as if complete.
 */
export async function exportToStream(request: Omit<ExportRequest, 'file'>, name: string, open: () => Writable, clientFor: (registry: string) => Promise<RegistryClient>): Promise<ExportResult['images']> {
  // Opened only once every reference resolved: an unknown image is still an error answer, not a broken download.
  return runExport(request, name, (signal) => Promise.resolve(new TarStream(open(), signal)), clientFor);
}

async function runExport(request: Omit<ExportRequest, 'file'>, name: string, open: (signal: AbortSignal) => Promise<TarSink>, clientFor: (registry: string) => Promise<RegistryClient>): Promise<ExportResult['images']> {
  if (request.references.length === 0) throw new StevedoreError('INVALID_ARGUMENT', 'export needs at least one image reference');
  if (request.references.length > MAX_EXPORT_IMAGES) throw new StevedoreError('TOO_LARGE', `at most ${MAX_EXPORT_IMAGES} images go in one export`);
  const job = jobAbort(request.signal);
  const signal = job.signal;
  const reporter = new ProgressReporter(request.jobId, name, request.emit);
  let tar: TarSink | undefined;
  try {
    const images: ExportedImage[] = [];
    for (const reference of request.references) {
      const client = await clientFor(reference.registry);
      images.push({ reference, client, graph: await graphFor(client, reference, request, signal) });
    }
    // The destination before the plan: a file that cannot be written fails here, before anything says "Saving".
    tar = await open(signal);
    const blobs = uniqueBlobs(images);
    reporter.plan(blobs.map(({ blob }) => ({ id: blob.digest, kind: blob.kind, action: 'upload', state: 'waiting', bytesDone: 0, bytesTotal: blob.size, bytesSent: 0, digest: blob.digest, ...(blob.label ? { label: blob.label } : {}) })));
    const writing = { tar, reporter, signal };
    if (request.format === 'oci-archive') await writeOciArchive(writing, images, blobs);
    else await writeDockerArchive(writing, images, tar, request.layersAtOnce ?? LAYERS_AT_ONCE);
    signal.throwIfAborted();
    await tar.commit();
    reporter.stop();
    request.emit({ type: 'pushed', jobId: request.jobId, target: name, digest: images[0]?.graph.top.digest ?? '' });
    return images.map((i) => ({ reference: formatReference(i.reference), digest: i.graph.top.digest }));
  } catch (error) {
    reporter.stop();
    // Decided before the discard: breaking a download's connection closes it, which aborts the caller's signal.
    const reason = request.signal?.aborted ? new StevedoreError('CANCELLED', `export cancelled; ${name} was not written`) : error;
    job.abort(error);
    await tar?.discard();
    request.emit({ type: 'failed', jobId: request.jobId, target: name, error: toErrorInfo(reason) });
    throw reason;
  } finally {
    job.done();
  }
}

/** docker-archive holds one image per reference: an index resolves to the platform asked for, or this machine's. */
async function graphFor(client: RegistryClient, reference: Reference, request: Omit<ExportRequest, 'file'>, signal: AbortSignal): Promise<ImageGraph> {
  if (request.format === 'oci-archive') return resolveGraph(client, reference, request.platform, signal);
  const platform = request.platform ?? hostPlatform();
  try {
    return await resolveGraph(client, reference, platform, signal);
  } catch (error) {
    if (request.platform === undefined && error instanceof StevedoreError && error.code === 'NOT_FOUND' && error.message.includes(formatPlatform(platform))) {
      throw new StevedoreError('INVALID_ARGUMENT', `${error.message}: choose a platform`, { choice: 'platform' });
    }
    throw error;
  }
}

function uniqueBlobs(images: readonly ExportedImage[]): { blob: GraphBlob; image: ExportedImage }[] {
  const seen = new Map<string, { blob: GraphBlob; image: ExportedImage }>();
  for (const image of images) for (const blob of image.graph.blobs) if (!seen.has(blob.digest)) seen.set(blob.digest, { blob, image });
  return [...seen.values()];
}

/** `checkDigest: false` when the caller checks the content another way (a layer against its diff_id). */
function sourceBytes(image: ExportedImage, blob: GraphBlob, { reporter, signal }: Writing, checkDigest = true): AsyncGenerator<Uint8Array> {
  const source = { client: image.client, repository: image.reference.repository, digest: blob.digest, size: blob.size };
  return (async function* () {
    reporter.update(blob.digest, { state: 'uploading' });
    for await (const chunk of readBlob(source, { signal, checkDigest })) {
      reporter.add(blob.digest, chunk.length, chunk.length);
      yield chunk;
    }
    reporter.update(blob.digest, { state: 'done' });
  })();
}

/** The OCI layout of every image whole: blobs as the registry stores them, manifests byte for byte. */
async function writeOciArchive(writing: Writing, images: readonly ExportedImage[], blobs: readonly { blob: GraphBlob; image: ExportedImage }[]): Promise<void> {
  const { tar } = writing;
  await tar.addBytes('oci-layout', OCI_LAYOUT);
  if (tar instanceof TarFile) {
    // Every size is known: each blob gets its place now and downloads into it beside the others.
    const places = blobs.map(({ blob }) => tar.reserve(blobPath(blob.digest), blob.size));
    await sideBySide(blobs.length, BLOBS_AT_ONCE, writing.signal, async (i, signal) => {
      const { blob, image } = blobs[i] as { blob: GraphBlob; image: ExportedImage };
      await (places[i] as (chunks: AsyncIterable<Uint8Array>) => Promise<void>)(sourceBytes(image, blob, { ...writing, signal }));
    });
  } else {
    for (const { blob, image } of blobs) await tar.addStream(blobPath(blob.digest), sourceBytes(image, blob, writing), blob.size);
  }
  const written = new Set<string>();
  for (const { graph } of images) {
    for (const manifest of graph.manifests) {
      if (written.has(manifest.digest)) continue;
      written.add(manifest.digest);
      await tar.addBytes(blobPath(manifest.digest), manifest.bytes);
    }
  }
  await tar.addBytes('index.json', layoutIndex(images));
}

/** docker save's layout: `<config hex>.json`, `<diff_id hex>/layer.tar` uncompressed, manifest.json, repositories. */
async function writeDockerArchive(writing: Writing, images: readonly ExportedImage[], tar: TarSink, layersAtOnce: number): Promise<void> {
  const { reporter, signal } = writing;
  const entries: OrderedEntry[] = [];
  const dockerEntries: DockerEntry[] = [];
  const written = new Set<string>();
  for (const image of images) {
    const manifest = image.graph.top.manifest;
    const name = formatReference(image.reference);
    if (manifest.kind !== 'manifest') throw new StevedoreError('INVALID_ARGUMENT', `${name} is an index: a docker-archive holds one platform of it`);
    const config = await image.client.getBlobBytes(image.reference.repository, manifest.config.digest, signal);
    const diffIds = diffIdsOf(config, manifest.layers.length, name);
    if (!written.has(manifest.config.digest)) {
      written.add(manifest.config.digest);
      entries.push({ name: configPath(manifest.config.digest), chunks: async function* () { yield config; } });
      reporter.update(manifest.config.digest, { state: 'done', bytesDone: config.length });
    }
    for (const [i, layer] of manifest.layers.entries()) {
      const diffId = diffIds[i] as string;
      if (written.has(diffId)) continue;
      written.add(diffId);
      const blob = { digest: layer.digest, size: layer.size, mediaType: layer.mediaType, kind: 'layer' as const };
      // What the tar holds is the uncompressed layer, checked against the diff_id the verified config names: that
      // check covers the content, so the compressed bytes are not hashed as well.
      const what = `layer ${layer.digest} of ${name}`;
      entries.push({ name: layerPath(diffId), chunks: (entrySignal) => uncompressedLayer(sourceBytes(image, blob, { ...writing, signal: entrySignal }, false), diffId, what, entrySignal) });
    }
    dockerEntries.push({ reference: image.reference, configDigest: manifest.config.digest, diffIds });
  }
  // Layers decompress side by side (each on a libuv thread) when more than one at once, written in manifest order.
  await addInOrder(tar, entries, layersAtOnce, signal);
  await tar.addBytes('manifest.json', dockerManifestJson(dockerEntries));
  await tar.addBytes('repositories', dockerRepositories(dockerEntries));
}
