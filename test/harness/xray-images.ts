// Images for the X-ray tests, built by umoci from real directory trees (files overwritten and deleted in later
// layers, a deleted directory, an opaque directory, hard links, symlinks), and the independent truth to check the
// engine against: layers extracted by GNU tar and images unpacked by umoci, walked with fs.
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from './exec.js';
import type { TestRegistry } from './registry.js';
import { blobOf, closeSeeders, pushBlob, pushManifest } from './seed.js';

export interface WalkedFile {
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  /** A hard-linked file counts once, at its first path in sorted order (what du does). */
  readonly bytes: number;
  readonly sha256?: string;
  readonly link?: string;
  readonly ino: number;
}

/** Every path below `root`, sorted, read with lstat (an iterative walk: nothing of the engine is used). */
export async function walkTree(root: string): Promise<WalkedFile[]> {
  const found: { path: string; abs: string }[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const name of await readdir(join(root, dir))) {
      const path = dir === '' ? name : `${dir}/${name}`;
      found.push({ path, abs: join(root, path) });
      if ((await lstat(join(root, path))).isDirectory()) pending.push(path);
    }
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<number>();
  const out: WalkedFile[] = [];
  for (const { path, abs } of found) {
    const info = await lstat(abs);
    if (info.isFile()) {
      const bytes = seen.has(info.ino) ? 0 : info.size;
      seen.add(info.ino);
      out.push({ path, kind: 'file', size: info.size, bytes, sha256: createHash('sha256').update(await readFile(abs)).digest('hex'), ino: info.ino });
    } else if (info.isSymbolicLink()) out.push({ path, kind: 'symlink', size: 0, bytes: 0, link: await readlink(abs), ino: info.ino });
    else out.push({ path, kind: info.isDirectory() ? 'dir' : 'other', size: 0, bytes: 0, ino: info.ino });
  }
  return out;
}

export const KB = 1000;

/** What the test wrote, for the numbers it expects. */
export const SIZES = { big1: 200 * KB, big2: 300 * KB, oldLog: 20 * KB, cacheA: 50 * KB, cacheB: 30 * KB, cacheC: 5 * KB, hard: 10 * KB, model: 400 * KB } as const;
export const README = 'read me\n'.repeat(100);
export const OS_RELEASE = 'NAME="Stevedore Test"\nVERSION_ID=1\n';

async function put(root: string, path: string, content: string | Buffer): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

export interface XrayLayout {
  readonly layout: string;
  /** Unpacked root filesystems of v1 and v2, as umoci makes them. */
  readonly rootfs: Readonly<Record<'v1' | 'v2', string>>;
}

/**
 * v1: 1) a base tree; 2) big.bin overwritten, old.log and usr/share/doc deleted; 3) opt/cache made opaque with a new
 * file (umoci insert --opaque); v2 = v1 plus 4) srv/model.bin added and etc/os-release changed.
 */
export async function buildXrayLayout(dir: string): Promise<XrayLayout> {
  const layout = join(dir, 'layout');
  const bundle = join(dir, 'bundle');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:v1`]);
  await run('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, bundle]);
  const root = join(bundle, 'rootfs');
  await put(root, 'etc/os-release', OS_RELEASE);
  await put(root, 'usr/lib/big.bin', randomBytes(SIZES.big1));
  await put(root, 'usr/share/doc/readme', README);
  await put(root, 'opt/cache/a.bin', randomBytes(SIZES.cacheA));
  await put(root, 'opt/cache/b.bin', randomBytes(SIZES.cacheB));
  await put(root, 'data/hard', randomBytes(SIZES.hard));
  await link(join(root, 'data/hard'), join(root, 'data/hardlink'));
  await put(root, 'var/log/old.log', 'x'.repeat(SIZES.oldLog));
  await mkdir(join(root, 'bin'), { recursive: true });
  await symlink('../usr/lib/big.bin', join(root, 'bin/big'));
  await mkdir(join(root, 'empty'), { recursive: true });
  await run('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:v1`, bundle]);

  await put(root, 'usr/lib/big.bin', randomBytes(SIZES.big2));
  await rm(join(root, 'var/log/old.log'));
  await rm(join(root, 'usr/share/doc'), { recursive: true });
  await run('umoci', ['repack', '--refresh-bundle', '--image', `${layout}:v1`, bundle]);

  const opaque = join(dir, 'opaque');
  await put(opaque, 'c.bin', randomBytes(SIZES.cacheC));
  await run('umoci', ['insert', '--image', `${layout}:v1`, '--opaque', opaque, '/opt/cache']);

  const v2 = join(dir, 'src-v2');
  await put(v2, 'model.bin', randomBytes(SIZES.model));
  await run('umoci', ['insert', '--image', `${layout}:v1`, '--tag', 'v2', v2, '/srv']);
  const osRelease = join(dir, 'os-release');
  await writeFile(osRelease, `${OS_RELEASE}VARIANT=two\n`);
  await run('umoci', ['insert', '--image', `${layout}:v2`, osRelease, '/etc/os-release']);

  const rootfs = { v1: join(dir, 'unpacked-v1'), v2: join(dir, 'unpacked-v2') };
  for (const tag of ['v1', 'v2'] as const) await run('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, rootfs[tag]]);
  return { layout, rootfs: { v1: join(rootfs.v1, 'rootfs'), v2: join(rootfs.v2, 'rootfs') } };
}

interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  layers: { mediaType: string; digest: string; size: number }[];
  config: { mediaType: string; digest: string; size: number };
}

async function readJsonFile<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function layoutManifest(layout: string, tag: string): Promise<OciManifest> {
  const index = await readJsonFile<{ manifests: { digest: string; annotations?: Record<string, string> }[] }>(join(layout, 'index.json'));
  const descriptor = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!descriptor) throw new Error(`no tag ${tag} in ${layout}`);
  return readJsonFile<OciManifest>(join(layout, 'blobs', 'sha256', descriptor.digest.slice(7)));
}

/**
 * Each layer of a tag extracted by GNU tar (whiteout files come out as plain files, as they are stored). umoci 0.4's
 * `insert` writes layers without end-of-archive blocks or final padding, which GNU tar refuses: such a layer gets its
 * padding and end blocks appended first, which is how Go's reader (docker, containerd) takes it. Returns the
 * directories and how many layers needed that.
 */
export async function extractLayers(layout: string, tag: string, into: string): Promise<{ dirs: string[]; unterminated: number }> {
  const manifest = await layoutManifest(layout, tag);
  const dirs: string[] = [];
  let unterminated = 0;
  for (const [i, layer] of manifest.layers.entries()) {
    const dir = join(into, `${tag}-layer-${i}`);
    await mkdir(dir, { recursive: true });
    const blob = join(layout, 'blobs', 'sha256', layer.digest.slice(7));
    const tarFile = join(into, `${tag}-layer-${i}.tar`);
    const bytes = await readFile(blob);
    let tar = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    if (tar.length % 512 !== 0 || tar.subarray(-1024).some((b) => b !== 0)) {
      unterminated++;
      tar = Buffer.concat([tar, Buffer.alloc((512 - (tar.length % 512)) % 512), Buffer.alloc(1024)]);
    }
    await writeFile(tarFile, tar);
    await run('tar', ['-xf', tarFile, '-C', dir, '--no-same-owner']);
    dirs.push(dir);
  }
  return { dirs, unterminated };
}

/** Rewrites one layer of a tag in the layout as an uncompressed tar (a new manifest, config untouched). */
export async function uncompressLayer(layout: string, tag: string, layerIndex: number): Promise<void> {
  const indexPath = join(layout, 'index.json');
  const index = await readJsonFile<{ manifests: { digest: string; size: number; annotations?: Record<string, string> }[] }>(indexPath);
  const descriptor = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!descriptor) throw new Error(`no tag ${tag}`);
  const manifest = await layoutManifest(layout, tag);
  const layer = manifest.layers[layerIndex];
  if (!layer) throw new Error(`no layer ${layerIndex}`);
  const tar = gunzipSync(await readFile(join(layout, 'blobs', 'sha256', layer.digest.slice(7))));
  const digest = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), tar);
  manifest.layers[layerIndex] = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: tar.length };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(join(layout, 'blobs', 'sha256', manifestDigest.slice(7)), bytes);
  descriptor.digest = manifestDigest;
  descriptor.size = bytes.length;
  await writeFile(indexPath, JSON.stringify(index));
}

/** Pushes a tag of the layout to the registry byte for byte (skopeo would compress an uncompressed layer). */
export async function pushLayoutVerbatim(reg: TestRegistry, layout: string, tag: string, repository: string, reference: string): Promise<void> {
  const manifest = await layoutManifest(layout, tag);
  const blob = async (digest: string): Promise<Buffer> => readFile(join(layout, 'blobs', 'sha256', digest.slice(7)));
  for (const digest of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) await pushBlob(reg, repository, blobOf(await blob(digest)));
  await pushManifest(reg, repository, reference, Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
  await closeSeeders(reg);
}
