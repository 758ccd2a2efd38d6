// Builds image archives the way docker save, Docker 25+ and OCI tools lay them out, with real layer tars, so the
// tests can push every variant (and deliberately broken ones) without a Docker engine.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { MediaType } from '../../shared/media-types.js';

export interface TarFile {
  readonly name: string;
  readonly data?: Buffer;
  readonly type?: 'file' | 'symlink' | 'link' | 'directory';
  readonly linkname?: string;
}

const sha = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const hexOf = (digest: string): string => digest.slice('sha256:'.length);

export async function writeTar(path: string, files: readonly TarFile[], gzip = false): Promise<void> {
  const tar = pack();
  const done = gzip ? pipeline(tar as unknown as NodeJS.ReadableStream, createGzip(), createWriteStream(path)) : pipeline(tar as unknown as NodeJS.ReadableStream, createWriteStream(path) as Writable);
  for (const file of files) {
    const type = file.type ?? 'file';
    await new Promise<void>((resolve, reject) => {
      const header = { name: file.name, type, mode: type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), ...(file.linkname ? { linkname: file.linkname } : {}) };
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (type === 'file') tar.entry({ ...header, size: file.data?.length ?? 0 }, file.data ?? Buffer.alloc(0), callback);
      else tar.entry(header, callback);
    });
  }
  tar.finalize();
  await done;
}

/** A layer: a real tar of a few files, `size` bytes of content in all. */
export async function layerTar(seed: string, size: number, kind: 'random' | 'text' = 'random'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const tar = pack();
  tar.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  const content = kind === 'random' ? randomBytes(size) : Buffer.from(Array.from({ length: Math.ceil(size / 40) }, (_, i) => `${seed} line ${i} of some text\n`).join('').slice(0, size));
  await new Promise<void>((resolve, reject) => tar.entry({ name: `data/${seed}.bin`, size: content.length, mtime: new Date(0) }, content, (e) => (e ? reject(e) : resolve())));
  await new Promise<void>((resolve, reject) => tar.entry({ name: `etc/${seed}.conf`, mtime: new Date(0) }, `seed=${seed}\n`, (e) => (e ? reject(e) : resolve())));
  tar.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export interface TestImage {
  readonly config: Buffer;
  readonly configDigest: string;
  /** Uncompressed layer tars. */
  readonly layers: readonly Buffer[];
  readonly diffIds: readonly string[];
}

export function testImage(layers: readonly Buffer[], options: { architecture?: string; variant?: string; label?: string } = {}): TestImage {
  const diffIds = layers.map(sha);
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? 'amd64',
      ...(options.variant ? { variant: options.variant } : {}),
      os: 'linux',
      created: '2026-05-06T07:08:09Z',
      config: { Cmd: ['/bin/sh'], Labels: { made: options.label ?? 'stevedore-tests' } },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map((_, i) => ({ created: '2026-05-06T07:08:09Z', created_by: `ADD layer ${i}` })),
    }),
  );
  return { config, configDigest: sha(config), layers, diffIds };
}

/** Legacy docker save: <id>/layer.tar, <hex>.json, manifest.json, repositories; a layer shared with an earlier image is a symlink. */
export function legacyDockerArchive(images: readonly { image: TestImage; tags: readonly string[] }[]): TarFile[] {
  const files: TarFile[] = [];
  const firstPath = new Map<string, string>();
  const manifest = images.map(({ image, tags }, n) => {
    const layerPaths = image.layers.map((layer, i) => {
      const id = createHash('sha256').update(`${n}-${i}-${image.diffIds[i]}`).digest('hex');
      const path = `${id}/layer.tar`;
      const existing = firstPath.get(image.diffIds[i] as string);
      files.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, data: Buffer.from('1.0') });
      if (existing) files.push({ name: path, type: 'symlink', linkname: `../${existing}` });
      else {
        files.push({ name: path, data: layer });
        firstPath.set(image.diffIds[i] as string, path);
      }
      return path;
    });
    files.push({ name: `${hexOf(image.configDigest)}.json`, data: image.config });
    return { Config: `${hexOf(image.configDigest)}.json`, RepoTags: tags, Layers: layerPaths };
  });
  files.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, { name: 'repositories', data: Buffer.from('{}') });
  return files;
}

function blobFile(bytes: Buffer): TarFile {
  return { name: `blobs/sha256/${hexOf(sha(bytes))}`, data: bytes };
}

function ociManifestOf(image: TestImage, stored: readonly Buffer[], gzip: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: image.configDigest, size: image.config.length },
      layers: stored.map((b) => ({ mediaType: gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest: sha(b), size: b.length })),
    }),
  );
}

/** Docker 25+ docker save: manifest.json over an OCI layout, layers uncompressed or gzip. */
export function docker25Archive(image: TestImage, tags: readonly string[], gzipLayers: boolean): TarFile[] {
  const stored = image.layers.map((l) => (gzipLayers ? gzipSync(l) : l));
  const manifest = ociManifestOf(image, stored, gzipLayers);
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, digest: sha(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': tags[0] ?? '' } }] };
  return [
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...stored.map(blobFile),
    blobFile(image.config),
    blobFile(manifest),
    { name: 'index.json', data: Buffer.from(JSON.stringify(index)) },
    { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${hexOf(image.configDigest)}`, RepoTags: tags, Layers: stored.map((b) => `blobs/sha256/${hexOf(sha(b))}`) }])) },
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ];
}

/** An oci-archive holding one multi-arch index named `name`. */
export function ociIndexArchive(platforms: readonly TestImage[], name: string): { files: TarFile[]; manifests: Buffer[]; index: Buffer } {
  const files: TarFile[] = [];
  const manifests: Buffer[] = [];
  for (const image of platforms) {
    const stored = image.layers.map((l) => gzipSync(l));
    const manifest = ociManifestOf(image, stored, true);
    manifests.push(manifest);
    files.push(...stored.map(blobFile), blobFile(image.config), blobFile(manifest));
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: manifests.map((m, i) => {
        const config = JSON.parse(platforms[i]!.config.toString()) as { architecture: string; variant?: string };
        return { mediaType: MediaType.ociManifest, digest: sha(m), size: m.length, platform: { os: 'linux', architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) } };
      }),
    }),
  );
  const top = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociIndex, digest: sha(index), size: index.length, annotations: { 'org.opencontainers.image.ref.name': name } }] };
  files.push(blobFile(index), { name: 'index.json', data: Buffer.from(JSON.stringify(top)) }, { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
  return { files, manifests, index };
}

/** Raw tar entries, byte by byte, for archives no tar writer would make (hostile numbers, duplicates, trailing data). */
export interface RawEntryOptions {
  /** Type flag; '0' (file) by default. */
  readonly flag?: string;
  /** The 12-byte size field exactly as written (e.g. '-0000003000'), instead of the data's length in octal. */
  readonly sizeField?: string | Buffer;
  /** pax records written in an 'x' header before the entry. */
  readonly pax?: Readonly<Record<string, string>>;
}

export function tarHeader(name: string, size: number, options: RawEntryOptions = {}): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  const sizeField = options.sizeField ?? `${size.toString(8).padStart(11, '0')}\0`;
  if (typeof sizeField === 'string') block.write(sizeField.padEnd(12, '\0').slice(0, 12), 124, 'latin1');
  else sizeField.copy(block, 124, 0, 12);
  block.write('00000000000\0', 136, 'latin1');
  block.write(options.flag ?? '0', 156, 'latin1');
  block.write('ustar\0' + '00', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (bytes: Buffer): Buffer => Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);

export function rawTarEntry(name: string, data: Buffer, options: RawEntryOptions = {}): Buffer {
  const parts: Buffer[] = [];
  if (options.pax) {
    const records = Object.entries(options.pax).map(([key, value]) => {
      const body = ` ${key}=${value}\n`;
      let length = body.length + 1;
      while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
      return `${length}${body}`;
    });
    const paxData = Buffer.from(records.join(''));
    parts.push(tarHeader(`PaxHeaders/${name}`.slice(0, 99), paxData.length, { flag: 'x' }), pad(paxData));
  }
  parts.push(tarHeader(name, data.length, options), pad(data));
  return Buffer.concat(parts);
}

/** The end-of-archive marker: two zero blocks. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);

export function rawTar(files: readonly TarFile[]): Buffer {
  return Buffer.concat([...files.map((f) => rawTarEntry(f.name, f.data ?? Buffer.alloc(0), f.type === 'directory' ? { flag: '5' } : {})), END_OF_ARCHIVE]);
}

/** A gzip-wrapped tar of `count` empty files (a tiny file that expands to many entries), written in batches. */
export async function manyEntriesTarGz(path: string, count: number): Promise<void> {
  async function* blocks(): AsyncGenerator<Buffer> {
    for (let start = 0; start < count; start += 10_000) {
      const batch: Buffer[] = [];
      for (let i = start; i < Math.min(count, start + 10_000); i++) batch.push(tarHeader(`e/${i}`, 0));
      yield Buffer.concat(batch);
    }
    yield END_OF_ARCHIVE;
  }
  await pipeline(blocks, createGzip({ level: 1 }), createWriteStream(path));
}

/** An oci-archive whose blobs are all addressed by sha512 (blobs/sha512/<hex>), layers gzip. */
export function ociSha512Archive(image: TestImage, name: string): { files: TarFile[]; manifestDigest: string } {
  const sha512 = (bytes: Uint8Array): string => `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
  const file = (bytes: Buffer): TarFile => ({ name: `blobs/sha512/${sha512(bytes).slice('sha512:'.length)}`, data: bytes });
  const stored = image.layers.map((l) => gzipSync(l));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha512(image.config), size: image.config.length },
      layers: stored.map((b) => ({ mediaType: MediaType.ociLayerGzip, digest: sha512(b), size: b.length })),
    }),
  );
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, digest: sha512(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': name } }] };
  return {
    files: [...stored.map(file), file(image.config), file(manifest), { name: 'index.json', data: Buffer.from(JSON.stringify(index)) }, { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }],
    manifestDigest: sha512(manifest),
  };
}
