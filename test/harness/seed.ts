// Fills a test registry through the plain Registry API (undici directly, not our client), so tests read what an
// independent writer stored.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import { MediaType } from '../../shared/media-types.js';
import type { TestRegistry } from './registry.js';

export interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

export interface SeededImage {
  readonly digest: string;
  readonly mediaType: string;
  readonly manifest: Buffer;
  readonly config: Blob;
  readonly layers: readonly Blob[];
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
export const blobOf = (bytes: Buffer): Blob => ({ digest: sha256(bytes), size: bytes.length, bytes });
export const randomLayer = (size: number): Blob => blobOf(gzipSync(randomBytes(size), { level: 1 }));

const dispatchers = new WeakMap<TestRegistry, Dispatcher>();

function dispatcher(reg: TestRegistry): Dispatcher {
  let d = dispatchers.get(reg);
  if (!d) {
    d = new Agent({ connect: reg.pki ? { ca: reg.pki.caCert } : {}, connections: 32 });
    dispatchers.set(reg, d);
  }
  return d;
}

async function call(reg: TestRegistry, method: Dispatcher.HttpMethod, path: string, scope: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Dispatcher.ResponseData> {
  const authorization = reg.adminAuthorization([scope]);
  const response = await request(`${reg.url}${path}`, {
    method,
    headers: { ...headers, ...(authorization ? { authorization } : {}) },
    body: body ?? null,
    dispatcher: dispatcher(reg),
  });
  return response;
}

async function expectStatus(response: Dispatcher.ResponseData, statuses: readonly number[], what: string): Promise<void> {
  if (statuses.includes(response.statusCode)) {
    await response.body.dump();
    return;
  }
  throw new Error(`${what}: HTTP ${response.statusCode} ${await response.body.text()}`);
}

export async function pushBlob(reg: TestRegistry, repository: string, blob: Blob): Promise<void> {
  // Registry 2.8 answers a POST carrying the whole blob with 202 (a session), so: POST, then PUT with the body.
  const scope = `repository:${repository}:push,pull`;
  const started = await call(reg, 'POST', `/v2/${repository}/blobs/uploads/`, scope);
  await expectStatus(started, [202], `start upload to ${repository}`);
  const location = new URL(String(started.headers.location), `${reg.url}/`);
  location.searchParams.set('digest', blob.digest);
  const response = await call(reg, 'PUT', `${location.pathname}${location.search}`, scope, { 'content-type': 'application/octet-stream' }, blob.bytes);
  await expectStatus(response, [201], `push blob ${blob.digest} to ${repository}`);
}

/** Cross-repository mount; true when the registry mounted it. */
export async function mountBlob(reg: TestRegistry, repository: string, from: string, digest: string): Promise<boolean> {
  const scope = `repository:${repository}:push,pull`;
  const authorization = reg.adminAuthorization([scope, `repository:${from}:pull`]);
  const response = await request(`${reg.url}/v2/${repository}/blobs/uploads/?mount=${digest}&from=${from}`, {
    method: 'POST',
    headers: authorization ? { authorization } : {},
    dispatcher: dispatcher(reg),
  });
  await response.body.dump();
  return response.statusCode === 201;
}

export async function pushManifest(reg: TestRegistry, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const scope = `repository:${repository}:push,pull`;
  const response = await call(reg, 'PUT', `/v2/${repository}/manifests/${reference}`, scope, { 'content-type': mediaType }, bytes);
  await expectStatus(response, [201], `push manifest ${repository}:${reference}`);
  return sha256(bytes);
}

export interface ImageSpec {
  readonly layers?: readonly Blob[];
  readonly format?: 'docker' | 'oci';
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly created?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly cmd?: readonly string[];
  /** Blobs already in the repository (or mounted): skip uploading them. */
  readonly skipUpload?: boolean;
}

export function imageConfig(spec: ImageSpec, layers: readonly Blob[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? 'amd64',
      os: spec.os ?? 'linux',
      ...(spec.variant ? { variant: spec.variant } : {}),
      created: spec.created ?? '2026-01-02T03:04:05Z',
      config: { Env: ['PATH=/usr/bin', 'SECRET_LOOKING=not-a-secret'], Cmd: [...(spec.cmd ?? ['/bin/app'])], Labels: { ...spec.labels }, WorkingDir: '/srv' },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.bytes)) },
      history: layers.map((_, i) => ({ created: spec.created ?? '2026-01-02T03:04:05Z', created_by: `RUN step ${i + 1}` })),
    }),
  );
}

export function imageManifest(format: 'docker' | 'oci', config: Blob, layers: readonly Blob[]): { bytes: Buffer; mediaType: string } {
  const docker = format === 'docker';
  const mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: docker ? MediaType.dockerConfig : MediaType.ociConfig, digest: config.digest, size: config.size },
      layers: layers.map((l) => ({ mediaType: docker ? MediaType.dockerLayerGzip : MediaType.ociLayerGzip, digest: l.digest, size: l.size })),
    }),
  );
  return { bytes, mediaType };
}

/** Pushes a complete single-platform image and tags it. */
export async function seedImage(reg: TestRegistry, repository: string, tag: string, spec: ImageSpec = {}): Promise<SeededImage> {
  const layers = spec.layers ?? [randomLayer(2048), randomLayer(4096)];
  const config = blobOf(imageConfig(spec, layers));
  if (!spec.skipUpload) for (const layer of layers) await pushBlob(reg, repository, layer);
  await pushBlob(reg, repository, config);
  const manifest = imageManifest(spec.format ?? 'docker', config, layers);
  const digest = await pushManifest(reg, repository, tag, manifest.bytes, manifest.mediaType);
  return { digest, mediaType: manifest.mediaType, manifest: manifest.bytes, config, layers };
}

/** Pushes an image per platform (untagged) and an index over them under `tag`. */
export async function seedIndex(reg: TestRegistry, repository: string, tag: string, platforms: readonly ImageSpec[], format: 'docker' | 'oci' = 'oci'): Promise<{ digest: string; images: readonly SeededImage[] }> {
  const images: SeededImage[] = [];
  for (const spec of platforms) {
    const image = await seedImage(reg, repository, `platform-${spec.architecture ?? 'amd64'}${spec.variant ?? ''}`, { ...spec, format });
    images.push(image);
  }
  const mediaType = format === 'docker' ? MediaType.dockerManifestList : MediaType.ociIndex;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: images.map((img, i) => ({
        mediaType: img.mediaType,
        digest: img.digest,
        size: img.manifest.length,
        platform: { os: platforms[i]?.os ?? 'linux', architecture: platforms[i]?.architecture ?? 'amd64', ...(platforms[i]?.variant ? { variant: platforms[i]?.variant } : {}) },
      })),
    }),
  );
  const digest = await pushManifest(reg, repository, tag, bytes, mediaType);
  return { digest, images };
}

export async function closeSeeders(reg: TestRegistry): Promise<void> {
  await dispatchers.get(reg)?.close();
  dispatchers.delete(reg);
}
