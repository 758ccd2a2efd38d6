// Layer X-ray against independent tools: images built by umoci from real trees, pushed by skopeo to the real registry
// (one layer uncompressed, an image whose layers skopeo compressed from a docker-archive), and every number checked
// against GNU tar's extraction of each layer and umoci's unpacking of each image, walked with fs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LayerIndex, MergedFile } from '../../shared/xray.js';
import { formatBytes, table } from '../../electron/cli/format.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { RegistryClient } from '../../electron/core/registry/client.js';
import { fileDiff } from '../../electron/core/xray/file-diff.js';
import { LayerIndexCache } from '../../electron/core/xray/index-cache.js';
import { indexImage, type IndexedImage } from '../../electron/core/xray/index-image.js';
import { archiveImageSource, registryImageSource } from '../../electron/core/xray/image-source.js';
import { openFile } from '../../electron/core/xray/open-file.js';
import { mergedView } from '../../electron/core/xray/views.js';
import { wasteReport } from '../../electron/core/xray/waste.js';
import { layerTar, ociIndexArchive, testImage, writeTar } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { FAST_RETRY, clientFor } from '../harness/clients.js';
import { run } from '../harness/exec.js';
import { startHttpFaultProxy } from '../harness/fault-proxy.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoCopy, skopeoInspect } from '../harness/tools.js';
import { OS_RELEASE, README, SIZES, buildXrayLayout, extractLayers, pushLayoutVerbatim, uncompressLayer, walkTree, type WalkedFile, type XrayLayout } from '../harness/xray-images.js';

const parentsOf = (path: string): string[] => {
  const out: string[] = [];
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) out.push(path.slice(0, at));
  return out;
};

/** A layer index as GNU tar's extraction of the same layer shows it. */
function assertIndexMatches(index: LayerIndex, walked: readonly WalkedFile[], what: string): void {
  const byPath = new Map(index.entries.map((e) => [e.path, e]));
  const expected = new Set([...byPath.keys(), ...[...byPath.keys()].flatMap(parentsOf)]);
  assert.deepEqual([...expected].sort(), walked.map((w) => w.path), `${what}: paths`);
  for (const w of walked) {
    const entry = byPath.get(w.path);
    if (!entry) continue;
    const data = entry.kind === 'hardlink' ? byPath.get(entry.link ?? '') : entry;
    if (w.kind === 'file') {
      assert.equal(data?.size, w.size, `${what}: size of ${w.path}`);
      assert.equal(data?.sha256, w.sha256, `${what}: content of ${w.path}`);
    } else if (w.kind === 'symlink') assert.equal(entry.link, w.link, `${what}: target of ${w.path}`);
    else assert.equal(entry.kind, w.kind, `${what}: kind of ${w.path}`);
  }
}

function assertMergedMatches(files: readonly MergedFile[], totals: ReadonlyMap<string, number>, walked: readonly WalkedFile[], what: string): void {
  assert.deepEqual(files.map((f) => f.path), walked.map((w) => w.path), `${what}: paths`);
  const dirTotals = new Map<string, number>([['', 0]]);
  walked.forEach((w, i) => {
    const f = files[i] as MergedFile;
    assert.equal(f.kind === 'hardlink' ? 'file' : f.kind, w.kind, `${what}: kind of ${w.path}`);
    assert.equal(f.size, w.size, `${what}: size of ${w.path}`);
    assert.equal(f.bytes, w.bytes, `${what}: counted bytes of ${w.path}`);
    assert.equal(f.sha256, w.sha256, `${what}: content of ${w.path}`);
    if (w.kind === 'symlink') assert.equal(f.link, w.link, `${what}: target of ${w.path}`);
    for (const dir of ['', ...parentsOf(w.path)]) dirTotals.set(dir, (dirTotals.get(dir) ?? 0) + w.bytes);
  });
  for (const [dir, total] of dirTotals) assert.equal(totals.get(dir), total, `${what}: total under /${dir}`);
}

describe('layer X-ray (umoci, skopeo, GNU tar)', () => {
  let reg: TestRegistry;
  /** A second registry, where skopeo knows no compressed form of these layers it could reuse. */
  let reg2: TestRegistry;
  let work: string;
  let built: XrayLayout;
  const images = new Map<string, IndexedImage>();
  const clients: RegistryClient[] = [];
  // Clients stay open until the end: an indexed image reads its layers again to open a file.
  const index = async (repository: string, tag: string, cache?: LayerIndexCache, registry = reg.host): Promise<IndexedImage> => {
    const client = registry === reg.host ? clientFor(reg) : new RegistryClient({ registry, retry: FAST_RETRY });
    clients.push(client);
    return indexImage(await registryImageSource(client, { registry, repository, tag }), cache ? { cache } : {});
  };

  before(async () => {
    reg = await startRegistry('none');
    reg2 = await startRegistry('none');
    work = await mkdtemp(join(tmpdir(), 'stevedore-xray-'));
    built = await buildXrayLayout(work);
    await uncompressLayer(built.layout, 'v1', 1);
    // skopeo compresses the uncompressed layer on its way; the same image pushed byte for byte keeps it as it is.
    await skopeoCopy(`oci:${built.layout}:v1`, reg, 'xray/app:v1-skopeo');
    await pushLayoutVerbatim(reg, built.layout, 'v1', 'xray/app', 'v1');
    await skopeoCopy(`oci:${built.layout}:v2`, reg, 'xray/app:v2');
    // A docker-archive holds uncompressed layers: skopeo compresses them on the way to a registry (a second one, where
    // it knows no compressed form of them that it could reuse instead).
    await run('skopeo', ['copy', '--quiet', `oci:${built.layout}:v1`, `docker-archive:${join(work, 'v1.tar')}:xray/app:v1`]);
    await skopeoCopy(`docker-archive:${join(work, 'v1.tar')}`, reg2, 'xray/from-archive:v1');
    for (const tag of ['v1', 'v2', 'v1-skopeo']) images.set(tag, await index('xray/app', tag));
  });
  after(async () => {
    for (const client of clients) await client.close();
    await reg?.stop();
    await reg2?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('indexes every layer as GNU tar extracts it, uncompressed and gzip layers alike', async () => {
    const manifest = (await skopeoInspect(reg, 'xray/app:v1', true)) as { layers: { mediaType: string }[] };
    assert.deepEqual(manifest.layers.map((l) => l.mediaType.endsWith('+gzip')), [true, false, true], 'layer 2 is stored uncompressed in the registry');
    const bySkopeo = (await skopeoInspect(reg, 'xray/app:v1-skopeo', true)) as { layers: { mediaType: string; digest: string }[] };
    const stored = new Set(await readdir(join(built.layout, 'blobs', 'sha256')));
    assert.ok(bySkopeo.layers[1]?.mediaType.endsWith('+gzip') && !stored.has(bySkopeo.layers[1].digest.slice(7)), 'skopeo compressed layer 2 itself');
    assert.deepEqual((images.get('v1-skopeo') as IndexedImage).layers.map((l) => l.entries), (images.get('v1') as IndexedImage).layers.map((l) => l.entries));
    let unterminated = 0;
    for (const tag of ['v1', 'v2'] as const) {
      const { dirs, unterminated: count } = await extractLayers(built.layout, tag, join(work, 'extracted'));
      unterminated += count;
      const image = images.get(tag) as IndexedImage;
      assert.equal(image.layers.length, dirs.length);
      for (const [i, dir] of dirs.entries()) assertIndexMatches(image.layers[i] as LayerIndex, await walkTree(dir), `${tag} layer ${i + 1}`);
    }
    assert.ok(unterminated > 0, 'umoci insert wrote layers without end-of-archive blocks, and they were read');
    const layers = (images.get('v1') as IndexedImage).layers;
    assert.ok(layers[1]?.entries.some((e) => e.path === 'var/log/.wh.old.log'), 'the deletion is a whiteout entry');
    assert.ok(layers[2]?.entries.some((e) => e.path === 'opt/cache/.wh..wh..opq'), 'umoci insert --opaque wrote an opaque marker');
    assert.ok(layers[0]?.entries.some((e) => e.kind === 'hardlink' && e.link === 'data/hard'));
  });

  it('merges layers into the filesystem umoci unpacks, with the same directory totals', async () => {
    for (const tag of ['v1', 'v2'] as const) {
      const view = mergedView((images.get(tag) as IndexedImage).layers);
      assertMergedMatches(view.files, view.totals, await walkTree(built.rootfs[tag]), tag);
    }
  });

  it('counts wasted space as dive does: overwritten, deleted, and hidden by an opaque directory', async () => {
    const { dirs } = await extractLayers(built.layout, 'v1', join(work, 'waste'));
    let allCopies = 0;
    for (const dir of dirs) for (const w of await walkTree(dir)) if (w.kind === 'file' && !w.path.split('/').pop()?.startsWith('.wh.')) allCopies += w.bytes;
    const report = wasteReport((images.get('v1') as IndexedImage).layers);
    const wasted = SIZES.big1 + SIZES.big2 + SIZES.oldLog + README.length + SIZES.cacheA + SIZES.cacheB;
    assert.equal(report.wastedBytes, wasted);
    const reclaimable = SIZES.big2 + SIZES.oldLog + README.length + SIZES.cacheA + SIZES.cacheB;
    assert.ok(Math.abs(report.efficiency - (allCopies - reclaimable) / allCopies) < 1e-12, `efficiency ${report.efficiency}`);
    // big.bin grew: squashing keeps the copy the image shows (big2) and saves the hidden one (big1).
    assert.ok(SIZES.big2 > SIZES.big1);
    assert.deepEqual(report.offenders[0], { path: 'usr/lib/big.bin', count: 2, totalBytes: SIZES.big1 + SIZES.big2, reclaimableBytes: SIZES.big1 });
    assert.deepEqual(
      report.offenders.filter((o) => o.totalBytes > 0).map((o) => o.path).sort(),
      ['opt/cache/a.bin', 'opt/cache/b.bin', 'usr/lib/big.bin', 'usr/share/doc/readme', 'var/log/old.log'],
    );
  });

  it('diffs two images as their unpacked trees differ, with the largest change on top', async () => {
    const diff = fileDiff(mergedView((images.get('v1') as IndexedImage).layers), mergedView((images.get('v2') as IndexedImage).layers));
    const [before, after] = [await walkTree(built.rootfs.v1), await walkTree(built.rootfs.v2)];
    const old = new Map(before.filter((w) => w.kind !== 'dir').map((w) => [w.path, w]));
    const expected: string[] = [];
    for (const w of after.filter((f) => f.kind !== 'dir')) {
      const was = old.get(w.path);
      old.delete(w.path);
      if (!was) expected.push(`added ${w.path} 0 ${w.bytes}`);
      else if (was.sha256 !== w.sha256 || was.link !== w.link || was.size !== w.size) expected.push(`changed ${w.path} ${was.bytes} ${w.bytes}`);
    }
    for (const w of old.values()) expected.push(`removed ${w.path} ${w.bytes} 0`);
    const got = diff.items.filter((i) => i.kind !== 'dir').map((i) => `${i.change} ${i.path} ${i.oldSize} ${i.newSize}`);
    assert.deepEqual(got.sort(), expected.sort());
    assert.equal(diff.delta, SIZES.model + 'VARIANT=two\n'.length);
    assert.deepEqual(diff.top[0], { path: 'srv/model.bin', delta: SIZES.model });
    assert.deepEqual(diff.items[0], { path: 'srv/model.bin', change: 'added', kind: 'file', oldSize: 0, newSize: SIZES.model, delta: SIZES.model, layer: 3 }, 'the fourth layer added it');
  });

  it('reads layers skopeo compressed and the docker-archive itself to the same indexes', async () => {
    const v1 = images.get('v1') as IndexedImage;
    const fromArchive = await index('xray/from-archive', 'v1', undefined, reg2.host);
    const local = await indexImage(await archiveImageSource(join(work, 'v1.tar')));
    for (const other of [fromArchive, local]) {
      assert.deepEqual(other.layers.map((l) => l.diffId), v1.layers.map((l) => l.diffId));
      assert.deepEqual(other.layers.map((l) => l.entries), v1.layers.map((l) => l.entries));
    }
    const stored = new Set(await readdir(join(built.layout, 'blobs', 'sha256')));
    const compressedBySkopeo = fromArchive.layers.filter((l) => !stored.has(l.digest.slice(7)));
    assert.ok(compressedBySkopeo.length > 0, 'skopeo compressed layers itself');
  });

  it('opens a text file, and describes a binary one without its bytes', async () => {
    const image = images.get('v2') as IndexedImage;
    const text = await openFile(image, '/etc/os-release');
    assert.equal(text.text, `${OS_RELEASE}VARIANT=two\n`);
    assert.equal(text.layer, 4, 'the fifth layer wrote it');
    const binary = await openFile(image, 'bin/big');
    assert.equal(binary.binary, true);
    assert.equal(binary.text, undefined);
    assert.equal(binary.size, SIZES.big2);
    assert.equal(binary.path, 'usr/lib/big.bin', 'the symlink is followed');
    await assert.rejects(openFile(image, '/var/log/old.log'), (e: unknown) => isStevedoreError(e, 'NOT_FOUND'));
  });

  it('a second run downloads no layer; a corrupted cache file is detected and rebuilt', async () => {
    const cache = new LayerIndexCache(join(work, 'cache'));
    const layerGets: string[] = [];
    const proxy = await startHttpFaultProxy(Number(reg.host.split(':')[1]), (req) => {
      if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '')) layerGets.push(req.url ?? '');
      return undefined;
    });
    try {
      const configs = (): number => layerGets.filter((u) => !(images.get('v2') as IndexedImage).layers.some((l) => u.endsWith(l.digest))).length;
      const first = await index('xray/app', 'v2', cache, proxy.host);
      const count = first.layers.length;
      assert.equal(first.cached, 0);
      assert.equal(layerGets.length - configs(), count);
      layerGets.length = 0;
      const second = await index('xray/app', 'v2', cache, proxy.host);
      assert.equal(second.cached, count);
      assert.equal(layerGets.length - configs(), 0, 'no layer blob was fetched');
      assert.deepEqual(second.layers, first.layers);

      // The index is stored under the blob digest and the DiffID: corrupt both copies.
      for (const key of [first.layers[0]?.digest ?? '', first.layers[0]?.diffId ?? '']) {
        const victim = cache.pathOf(key);
        const bytes = await readFile(victim);
        bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff;
        await writeFile(victim, bytes);
      }
      layerGets.length = 0;
      const third = await index('xray/app', 'v2', cache, proxy.host);
      assert.equal(third.cached, count - 1);
      assert.equal(layerGets.length - configs(), 1, 'only the corrupted layer is fetched again');
      assert.deepEqual(third.layers, first.layers);
      assert.ok((await cache.get(first.layers[0]?.digest ?? '')) !== undefined, 'the file was rewritten');
    } finally {
      await proxy.close();
    }
  });

  it('refuses a blob that does not match its digest or is cut short, and caches nothing', async () => {
    const v1 = images.get('v1') as IndexedImage;
    const target = v1.layers[0]?.digest ?? '';
    for (const fault of ['altered', 'truncated'] as const) {
      const cache = new LayerIndexCache(join(work, `cache-${fault}`));
      const original = Buffer.concat(await (await clientFor(reg).openBlob('xray/app', target)).stream.toArray());
      const body = fault === 'altered' ? Buffer.from(original).fill(1, 100, 200) : original.subarray(0, original.length >> 1);
      const proxy = await startHttpFaultProxy(Number(reg.host.split(':')[1]), (req) => (req.method === 'GET' && (req.url ?? '').endsWith(target) ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body } : undefined));
      try {
        // Bytes that do not parse are first of all not the blob asked for: the digest is what is reported.
        await assert.rejects(index('xray/app', 'v1', cache, proxy.host), (e: unknown) => isStevedoreError(e, 'DIGEST_MISMATCH'));
        assert.equal(await cache.get(target), undefined);
        const names = await readdir(cache.dir).catch(() => [] as string[]);
        assert.ok(!names.some((n) => n.startsWith(target.replace(':', '-'))), `${fault}: nothing cached for the bad layer`);
      } finally {
        await proxy.close();
      }
    }
  });

  it('CLI: files, diff, waste with thresholds (exit 3) and cat', async () => {
    const env = { ...process.env, STEVEDORE_CACHE_DIR: join(work, 'cli-cache') };
    const files = await runCli(['files', `${reg.host}/xray/app:v1`, '--json'], env);
    assert.equal(files.code, 0, `files: ${files.stderr} ${files.stdout.slice(0, 300)}`);
    const listed = JSON.parse(files.stdout) as { files: MergedFile[]; totalBytes: number };
    assert.equal(listed.totalBytes, mergedView((images.get('v1') as IndexedImage).layers).totals.get(''));
    const layer = await runCli(['files', join(work, 'v1.tar'), '--layer', '2'], env);
    assert.equal(layer.code, 0, `files --layer: ${layer.stderr}`);
    assert.match(layer.stdout, /-\s+20\.0 kB\s+\/var\/log\/old\.log/);
    const diff = await runCli(['diff', join(work, 'v1.tar'), `${reg.host}/xray/app:v2`, '--json'], env);
    assert.equal(diff.code, 0, `diff: ${diff.stderr}`);
    assert.deepEqual((JSON.parse(diff.stdout) as { top: unknown[] }).top[0], { path: 'srv/model.bin', delta: SIZES.model });
    const gate = await runCli(['waste', `${reg.host}/xray/app:v1`, '--max-wasted-bytes', '1000'], env);
    assert.equal(gate.code, 3, gate.stderr);
    assert.match(gate.stdout, /FAIL: wasted/);
    const pass = await runCli(['waste', `${reg.host}/xray/app:v1`, '--json', '--min-efficiency', '0.1'], env);
    assert.equal(pass.code, 0, pass.stderr);
    assert.equal((JSON.parse(pass.stdout) as { passed: boolean }).passed, true);
    // The printed percentage is the JSON's wastedPercent, labelled as what it is: a share of every layer's file bytes.
    const report = JSON.parse(pass.stdout) as { wastedBytes: number; layerBytes: number; wastedPercent: number };
    assert.equal(report.wastedPercent, (report.wastedBytes / report.layerBytes) * 100);
    assert.ok(gate.stdout.includes(`(${report.wastedBytes} bytes, ${report.wastedPercent.toFixed(2)} % of the file bytes in all layers)`), gate.stdout);
    const cat = await runCli(['cat', `${reg.host}/xray/app:v1`, '/etc/os-release'], env);
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, OS_RELEASE);
  });

  it('CLI files: a warm run prints the merged view from one cache file, byte for byte what the merge prints', async () => {
    const cacheDir = join(work, 'cli-merged-cache');
    const env = { ...process.env, STEVEDORE_CACHE_DIR: cacheDir };
    const xrayDir = join(cacheDir, 'xray', 'v2');
    const ref = `${reg.host}/xray/app:v1`;
    const files = async (...args: string[]): Promise<string> => {
      const result = await runCli(['files', ...args], env);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout;
    };
    const merged = async (): Promise<string[]> => (await readdir(xrayDir)).filter((n) => n.startsWith('merged-'));
    const dropMerged = async (): Promise<void> => {
      for (const name of await merged()) await rm(join(xrayDir, name));
    };
    const cold = await files(ref);
    // As the Files tab words it: nothing said of a cache that gave nothing.
    assert.match(cold.slice(0, cold.indexOf('\n')), /: [\d,]+ paths, \S+ \S+ in the merged filesystem of \d+ layers$/);
    assert.equal((await merged()).length, 1, 'the cold run stored the merged view');
    const hitTree = await files(ref);
    const hitJson = await files(ref, '--json');
    // Without the merged view: every layer index read and merged, as before there was one.
    await dropMerged();
    const missTree = await files(ref);
    await dropMerged();
    const missJson = await files(ref, '--json');
    assert.equal(hitTree, missTree);
    assert.equal(hitJson, missJson);
    // The table is the one table() lays out for the merge of the indexed layers.
    const view = mergedView((images.get('v1') as IndexedImage).layers);
    const rows = view.files.map((f) => [formatBytes(f.kind === 'dir' ? (view.totals.get(f.path) ?? 0) : f.size), String(f.layer + 1), `/${f.path}${f.kind === 'dir' ? '/' : ''}${f.kind === 'symlink' ? ` -> ${f.link ?? ''}` : ''}${f.kind === 'hardlink' ? ` => /${f.link ?? ''}` : ''}`]);
    assert.equal(hitTree.slice(hitTree.indexOf('\n') + 1), `${table(['SIZE', 'LAYER', 'PATH'], rows)}\n`);
    assert.ok(view.files.some((f) => f.kind === 'hardlink') && view.files.some((f) => f.kind === 'symlink'), 'the image has hard links and symlinks to show');
    // With the merged view and no layer index at all, a warm run still shows it all: it read none.
    for (const name of await readdir(xrayDir)) if (!name.startsWith('merged-')) await rm(join(xrayDir, name));
    assert.equal(await files(ref), hitTree);
  });
});

describe('layer X-ray per platform (multi-arch oci-archive)', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'stevedore-xray-multi-'));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('indexes the platform asked for, linux/amd64 by default, and names the ones there are otherwise', async () => {
    const base = await layerTar('base', 20_000);
    const amd64 = testImage([base, await layerTar('amd64-only', 5_000)], { architecture: 'amd64' });
    const arm64 = testImage([base, await layerTar('arm64-only', 7_000)], { architecture: 'arm64', variant: 'v8' });
    const path = join(work, 'multi.tar');
    await writeTar(path, ociIndexArchive([amd64, arm64], 'multi:1').files);
    const paths = async (platform?: string): Promise<string[]> => {
      const image = await indexImage(await archiveImageSource(path, platform ? { platform } : {}));
      return mergedView(image.layers).files.filter((f) => f.kind === 'file').map((f) => f.path);
    };
    assert.deepEqual(await paths(), ['data/amd64-only.bin', 'data/base.bin', 'etc/amd64-only.conf', 'etc/base.conf']);
    assert.deepEqual(await paths('linux/arm64'), ['data/arm64-only.bin', 'data/base.bin', 'etc/arm64-only.conf', 'etc/base.conf']);
    await assert.rejects(paths('linux/s390x'), (e: unknown) => isStevedoreError(e, 'NOT_FOUND') && /linux\/amd64, linux\/arm64\/v8/.test((e as Error).message));
  });
});
