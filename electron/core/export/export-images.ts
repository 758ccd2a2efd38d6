// Saves images from registries into one tarball: a docker-archive (`docker load`, `podman load`: Docker 25+'s
// layout, an OCI layout plus manifest.json, one platform per image) or an oci-archive (the whole index). Blobs
// stream from the registry into the tar, verified on the way; nothing is held whole in memory or spooled to disk.
import { setMaxListeners } from 'node:events';
import type { PushEvent } from '../../../shared/push.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import { ProgressReporter } from '../push/progress.js';
import { formatReference, type Reference } from '../reference.js';
import type { RegistryClient } from '../registry/client.js';
import { resolveGraph, type GraphBlob, type ImageGraph } from '../copy/image-graph.js';
import { formatPlatform, hostPlatform, type PlatformChoice } from '../copy/platform.js';
import { readBlob } from '../copy/source-blob.js';
import { ArchiveFile } from './archive-file.js';
import { dockerManifestJson, layoutIndex, OCI_LAYOUT, blobPath, type ExportedImage } from './layout.js';

export type ExportFormat = 'docker-archive' | 'oci-archive';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['docker-archive', 'oci-archive'];

export interface ExportRequest {
  readonly jobId: string;
  readonly references: readonly Reference[];
  readonly file: string;
  readonly format: ExportFormat;
  /** docker-archive: which platform of an index (default: this machine's); oci-archive: only that one. */
  readonly platform?: PlatformChoice;
  readonly emit: (event: PushEvent) => void;
  readonly signal?: AbortSignal;
}

export interface ExportResult {
  readonly file: string;
  readonly images: readonly { readonly reference: string; readonly digest: string }[];
}

/** Images in one export: docker save takes any number, but each is a manifest.json entry. */
export const MAX_EXPORT_IMAGES = 100;

export async function exportImages(request: ExportRequest, clientFor: (registry: string) => Promise<RegistryClient>): Promise<ExportResult> {
  if (request.references.length === 0) throw new StevedoreError('INVALID_ARGUMENT', 'export needs at least one image reference');
  if (request.references.length > MAX_EXPORT_IMAGES) throw new StevedoreError('TOO_LARGE', `at most ${MAX_EXPORT_IMAGES} images go in one export`);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onOuterAbort = (): void => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) onOuterAbort();
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = controller.signal;
  const reporter = new ProgressReporter(request.jobId, request.file, request.emit);
  let archive: ArchiveFile | undefined;
  try {
    const images: ExportedImage[] = [];
    for (const reference of request.references) {
      const client = await clientFor(reference.registry);
      images.push({ reference, client, graph: await graphFor(client, reference, request, signal) });
    }
    const blobs = uniqueBlobs(images);
    reporter.plan(blobs.map(({ blob }) => ({ id: blob.digest, kind: blob.kind, action: 'upload', state: 'waiting', bytesDone: 0, bytesTotal: blob.size, bytesSent: 0, digest: blob.digest })));
    archive = new ArchiveFile(request.file);
    await archive.addBytes('oci-layout', OCI_LAYOUT);
    for (const { blob, image } of blobs) {
      reporter.update(blob.digest, { state: 'uploading' });
      const source = { client: image.client, repository: image.reference.repository, digest: blob.digest, size: blob.size };
      await archive.addStream(blobPath(blob.digest), blob.size, counted(readBlob(source, { signal }), (n) => reporter.add(blob.digest, n, n)));
      reporter.update(blob.digest, { state: 'done' });
    }
    const manifests = new Set<string>();
    for (const { graph } of images) {
      for (const manifest of graph.manifests) {
        if (manifests.has(manifest.digest)) continue;
        manifests.add(manifest.digest);
        await archive.addBytes(blobPath(manifest.digest), manifest.bytes);
      }
    }
    await archive.addBytes('index.json', layoutIndex(images));
    if (request.format === 'docker-archive') await archive.addBytes('manifest.json', dockerManifestJson(images));
    signal.throwIfAborted();
    await archive.commit();
    reporter.stop();
    request.emit({ type: 'pushed', jobId: request.jobId, target: request.file, digest: images[0]?.graph.top.digest ?? '' });
    return { file: request.file, images: images.map((i) => ({ reference: formatReference(i.reference), digest: i.graph.top.digest })) };
  } catch (error) {
    reporter.stop();
    await archive?.discard();
    const reason = request.signal?.aborted ? new StevedoreError('CANCELLED', `export cancelled; ${request.file} was not written`) : error;
    request.emit({ type: 'failed', jobId: request.jobId, target: request.file, error: toErrorInfo(reason) });
    throw reason;
  } finally {
    request.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** docker-archive holds one image per reference: an index resolves to the platform asked for, or this machine's. */
async function graphFor(client: RegistryClient, reference: Reference, request: ExportRequest, signal: AbortSignal): Promise<ImageGraph> {
  if (request.format === 'oci-archive') return resolveGraph(client, reference, request.platform, signal);
  const platform = request.platform ?? hostPlatform();
  try {
    return await resolveGraph(client, reference, platform, signal);
  } catch (error) {
    if (request.platform === undefined && error instanceof StevedoreError && error.code === 'NOT_FOUND' && error.message.includes(formatPlatform(platform))) {
      throw new StevedoreError('INVALID_ARGUMENT', `${error.message}: choose one with --platform`);
    }
    throw error;
  }
}

function uniqueBlobs(images: readonly ExportedImage[]): { blob: GraphBlob; image: ExportedImage }[] {
  const seen = new Map<string, { blob: GraphBlob; image: ExportedImage }>();
  for (const image of images) for (const blob of image.graph.blobs) if (!seen.has(blob.digest)) seen.set(blob.digest, { blob, image });
  // Configs first: small, and a reader that stops early finds them.
  return [...seen.values()].sort((a, b) => Number(b.blob.kind === 'config') - Number(a.blob.kind === 'config'));
}

async function* counted(chunks: AsyncIterable<Uint8Array>, onRead: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    onRead(chunk.length);
    yield chunk;
  }
}
