// Layer indexing on hand-made tars: what Go's reader reads (umoci 0.4's unterminated layers) is read, what it refuses
// is refused, and hostile layers (entry-count bombs, `..`, absurd sizes) fail cleanly.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { LayerEntry } from '../../shared/xray.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { indexLayerInWorker } from '../../electron/core/xray/index-in-worker.js';
import { indexLayerStream } from '../../electron/core/xray/index-layer.js';
import { indexImage } from '../../electron/core/xray/index-image.js';
import type { XrayImageSource } from '../../electron/core/xray/image-source.js';
import { MergedFs } from '../../electron/core/xray/merged-fs.js';
import { layerChanges } from '../../electron/core/xray/views.js';
import { wasteReport } from '../../electron/core/xray/waste.js';
import { fileDiff } from '../../electron/core/xray/file-diff.js';
import { mergedView } from '../../electron/core/xray/views.js';

interface Item {
  readonly name: string;
  readonly data?: string | Buffer;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly linkname?: string;
}

async function tarOf(items: readonly Item[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => tar.on('end', () => resolve()));
  for (const item of items) {
    await new Promise<void>((resolve, reject) => {
      const cb = (e?: Error | null): void => (e ? reject(e) : resolve());
      const header = { name: item.name, type: item.type ?? 'file', mode: 0o644, mtime: new Date(0), ...(item.linkname ? { linkname: item.linkname } : {}) };
      if ((item.type ?? 'file') === 'file') tar.entry(header, item.data ?? '', cb);
      else tar.entry(header, cb);
    });
  }
  tar.finalize();
  await ended;
  return Buffer.concat(chunks);
}

const index = (bytes: Buffer, limits?: { maxEntries: number; maxEntryBytes: number }) => indexLayerStream(Readable.from([bytes]), limits ? { limits } : {});
const invalid = (e: unknown): boolean => isStevedoreError(e, 'ARCHIVE_INVALID');
/** The bytes in pieces of `size`: headers and blocks then straddle chunk boundaries in every way. */
const inPieces = (bytes: Buffer, size: number): Readable => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
const PIECES = [1, 100, 511, 512, 513, 1000];

describe('layer index: tar framing as Go reads it', () => {
  const items: Item[] = [{ name: 'etc/', type: 'directory' }, { name: 'etc/a', data: 'hello\n' }, { name: 'etc/b', data: 'x'.repeat(700) }];

  it('reads a whole tar, plain and gzip, with the DiffID of the uncompressed bytes', async () => {
    const tar = await tarOf(items);
    for (const bytes of [tar, gzipSync(tar)]) {
      const result = await index(bytes);
      assert.deepEqual(result.entries.map((e) => [e.path, e.kind, e.size]), [['etc', 'dir', 0], ['etc/a', 'file', 6], ['etc/b', 'file', 700]]);
      assert.equal(result.tarSize, tar.length);
    }
    const whole = await index(tar);
    for (const size of PIECES) assert.deepEqual(await indexLayerStream(inPieces(tar, size)), whole, `pieces of ${size}`);
  });

  it('accepts the end of data at an entry boundary or inside the last padding (umoci 0.4), refuses it inside data or a header', async () => {
    const tar = await tarOf(items);
    // Blocks: etc/ header at 0, etc/a header at 512 and data at 1024, etc/b header at 1536 and data at 2048 (700
    // bytes, then 324 of padding), then 1024 zeros from 3072.
    const dataEnd = 2048 + 700;
    assert.equal(tar.length, 4096);
    for (const cut of [3072, dataEnd, dataEnd + 100, 3584]) {
      const result = await index(tar.subarray(0, cut));
      assert.equal(result.entries.length, 3, `cut at ${cut}`);
      assert.equal(result.entries[2]?.sha256, (await index(tar)).entries[2]?.sha256);
      await index(gzipSync(tar.subarray(0, cut)));
      for (const size of PIECES) assert.equal((await indexLayerStream(inPieces(tar.subarray(0, cut), size))).entries.length, 3, `cut at ${cut}, pieces of ${size}`);
    }
    for (const cut of [dataEnd - 1, 2049, 1536 + 100, 1023]) {
      await assert.rejects(index(tar.subarray(0, cut)), invalid, `cut at ${cut}`);
      await assert.rejects(index(gzipSync(tar.subarray(0, cut))), invalid, `gzip cut at ${cut}`);
    }
  });

  it('ignores what follows the end-of-archive blocks, and refuses a header after a single zero block', async () => {
    const tar = await tarOf(items);
    const junk = Buffer.concat([tar, Buffer.from('garbage that is not a tar header'.repeat(40))]);
    assert.equal((await index(junk)).entries.length, 3);
    for (const size of PIECES) assert.deepEqual(await indexLayerStream(inPieces(junk, size)), await index(junk), `pieces of ${size}`);
    const bad = Buffer.concat([tar.subarray(0, 512 * 3), Buffer.alloc(512), tar.subarray(512 * 3)]);
    await assert.rejects(index(bad), invalid);
    for (const size of PIECES) await assert.rejects(indexLayerStream(inPieces(bad, size)), invalid, `pieces of ${size}`);
  });

  it('indexes on a worker thread to the same result, and brings its errors back with their codes', async () => {
    const tar = await tarOf(Array.from({ length: 300 }, (_, i) => ({ name: `dir/f${i}`, data: 'y'.repeat(i * 37) })));
    const chunks = (bytes: Buffer): Readable => Readable.from(Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000)));
    assert.deepEqual(await indexLayerInWorker(chunks(gzipSync(tar))), await index(tar));
    await assert.rejects(indexLayerInWorker(chunks(tar.subarray(0, 5000))), invalid);
    await assert.rejects(indexLayerInWorker(chunks(tar), { limits: { maxEntries: 10, maxEntryBytes: 1e9 } }), invalid);
  });

  it('indexes several layers at once on one worker thread, and a layer that fails or is cancelled leaves the others whole', async () => {
    const tar = await tarOf(Array.from({ length: 200 }, (_, i) => ({ name: `dir/f${i}`, data: 'z'.repeat(i * 53) })));
    // A layer fed by hand: its first half now, the rest when the test says.
    const fed = (bytes: Buffer): { stream: Readable; rest: () => void } => {
      const stream = new Readable({ read() {} });
      const half = Math.floor(bytes.length / 2);
      stream.push(bytes.subarray(0, half));
      return {
        stream,
        rest: () => {
          stream.push(bytes.subarray(half));
          stream.push(null);
        },
      };
    };
    const gzipped = fed(gzipSync(tar));
    const plain = fed(tar);
    const cancelled = fed(gzipSync(tar));
    const cancel = new AbortController();
    const results = [indexLayerInWorker(gzipped.stream), indexLayerInWorker(plain.stream), indexLayerInWorker(cancelled.stream, { signal: cancel.signal })];
    const truncated = indexLayerInWorker(Readable.from([tar.subarray(0, 5000)]));
    // The truncated layer has failed in the worker, so the worker is up; the other three are still open in it.
    await assert.rejects(truncated, invalid);
    const report = process.report.getReport() as unknown as { workers: readonly unknown[] };
    assert.equal(report.workers.length, 1, 'one worker thread for every layer in flight');
    cancel.abort();
    await assert.rejects(results[2] as Promise<unknown>, (e: unknown) => (e as Error).name === 'AbortError');
    gzipped.rest();
    plain.rest();
    const whole = await index(tar);
    assert.deepEqual(await results[0], whole);
    assert.deepEqual(await results[1], whole);
  });

  it('a layer that is no tar says so and which layer of which image, never quoting its bytes as an entry name', async () => {
    // A blob of random bytes: its first block is no header. The message quoted that block as the name of an entry
    // ("invalid tar header checksum after \"<garbage>\""), under 'layer:' alone.
    const tar = await tarOf(items);
    const garbage = gzipSync(Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251)));
    const blobs = [tar, garbage];
    const source: XrayImageSource = {
      name: 'reg.example/app:1',
      platform: { os: 'linux', architecture: 'amd64' },
      layers: blobs.map((b, i) => ({ key: `sha256:${String(i).repeat(64)}`, size: b.length })),
      readLayers: async (indices, onLayer) => {
        for (const i of indices) await onLayer(i, Readable.from([blobs[i] as Buffer]));
      },
    };
    await assert.rejects(indexImage(source, { inWorker: false }), (e: unknown) => {
      assert.ok(invalid(e));
      assert.equal((e as Error).message, "reg.example/app:1 layer 2 (111111111111): not a tar archive (its first header's checksum does not match)");
      return true;
    });
    // A bad header after a good entry names that entry, not the bad block's bytes.
    const broken = Buffer.from(tar);
    const second = 512; // etc/ has no data: etc/a's header is the second block
    broken.fill(0x41, second, second + 100);
    await assert.rejects(index(broken), (e: unknown) => invalid(e) && (e as Error).message === 'layer: invalid tar header checksum after "etc/"');
  });

  it('refuses a truncated gzip stream', async () => {
    const gz = gzipSync(await tarOf(items));
    await assert.rejects(index(gz.subarray(0, gz.length - 10)), invalid);
  });

  it('refuses an entry-count bomb at the limit', async () => {
    const many = await tarOf(Array.from({ length: 101 }, (_, i) => ({ name: `f${i}` })));
    assert.equal((await index(many, { maxEntries: 101, maxEntryBytes: 1e9 })).entries.length, 101);
    await assert.rejects(index(many, { maxEntries: 100, maxEntryBytes: 1e9 }), (e: unknown) => invalid(e) && /more than 100 entries/.test((e as Error).message));
  });

  it('refuses paths with .., and normalises / and ./', async () => {
    await assert.rejects(index(await tarOf([{ name: 'a/../../etc/passwd', data: 'x' }])), (e: unknown) => invalid(e) && /"\.\."/.test((e as Error).message));
    await assert.rejects(index(await tarOf([{ name: 'ok', type: 'link', linkname: '../outside' }])), invalid);
    const result = await index(await tarOf([{ name: './', type: 'directory' }, { name: './usr/bin', data: 'x' }, { name: '/etc/x', data: 'y' }]));
    assert.deepEqual(result.entries.map((e) => e.path), ['usr/bin', 'etc/x']);
  });

  it('refuses absurd and malformed sizes', async () => {
    const tar = await tarOf([{ name: 'big', data: 'x' }]);
    const withSize = (write: (header: Buffer) => void): Buffer => {
      const copy = Buffer.from(tar);
      const header = copy.subarray(0, 512);
      write(header);
      header.fill(0x20, 148, 156);
      let sum = 0;
      for (const b of header) sum += b;
      header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
      return copy;
    };
    // GNU base-256: 2^50 bytes.
    const huge = withSize((h) => {
      h.fill(0, 124, 136);
      h[124] = 0x80;
      h.writeUIntBE(2 ** 50 / 2 ** 8, 130, 6);
    });
    await assert.rejects(index(huge), (e: unknown) => invalid(e) && /declares/.test((e as Error).message));
    const negative = withSize((h) => h.fill(0xff, 124, 136));
    await assert.rejects(index(negative), (e: unknown) => invalid(e) && /negative/.test((e as Error).message));
    const notOctal = withSize((h) => h.write('0000000009a\0', 124, 'latin1'));
    await assert.rejects(index(notOctal), (e: unknown) => invalid(e) && /not octal/.test((e as Error).message));
    await assert.rejects(index(await tarOf([{ name: 'x', data: 'y'.repeat(2000) }]), { maxEntries: 10, maxEntryBytes: 1000 }), invalid);
  });

  it('zstd layers: decoded where the runtime has zstd, else UNSUPPORTED', async () => {
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    const hasZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
    if (hasZstd) await assert.rejects(index(zstd));
    else await assert.rejects(index(zstd), (e: unknown) => isStevedoreError(e, 'UNSUPPORTED') && /zstd/.test((e as Error).message));
  });

  it('gives header-only entries (links, directories) no data even when their size field says otherwise', async () => {
    const tar = await tarOf([{ name: 'f', data: 'abc' }, { name: 'l', type: 'link', linkname: 'f' }, { name: 'g', data: 'z' }]);
    const copy = Buffer.from(tar);
    const header = copy.subarray(1024, 1536);
    header.write('00000000003\0', 124, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    assert.deepEqual((await index(copy)).entries.map((e) => e.path), ['f', 'l', 'g']);
    for (const size of PIECES) assert.deepEqual((await indexLayerStream(inPieces(copy, size))).entries, (await index(copy)).entries, `pieces of ${size}`);
  });
});

const file = (path: string, size: number, sha = String(size).padStart(64, '0')): LayerEntry => ({ path, kind: 'file', size, mode: 0o644, uid: 0, gid: 0, sha256: sha });
const dir = (path: string): LayerEntry => ({ path, kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 });
const layer = (entries: LayerEntry[], n: number) => ({ digest: `sha256:${String(n).padStart(64, '0')}`, diffId: `sha256:${String(n).padStart(64, '0')}`, tarSize: 0, entries });

describe('merged filesystem, changes, waste and diff', () => {
  const layers = [
    layer([dir('a'), file('a/x', 100), file('a/y', 50), dir('d'), file('d/in', 30), file('keep', 7), { ...file('hl', 0), kind: 'hardlink', link: 'keep', sha256: undefined } as LayerEntry], 1),
    layer([dir('a'), file('a/x', 120, 'f'.repeat(64)), file('a/.wh.y', 0), file('.wh.d', 0), file('z', 5)], 2),
    layer([dir('a'), file('a/.wh..wh..opq', 0), file('a/new', 3)], 3),
  ];

  it('applies whiteouts, opaque directories and hard links', () => {
    const view = mergedView(layers);
    assert.deepEqual(view.files.map((f) => [f.path, f.size, f.bytes, f.layer]), [['a', 0, 0, 2], ['a/new', 3, 3, 2], ['hl', 7, 7, 0], ['keep', 7, 0, 0], ['z', 5, 5, 1]]);
    assert.equal(view.totals.get(''), 15);
    assert.equal(view.removedBy.get('d'), 1);
    const changes = layerChanges(layers);
    assert.deepEqual(changes[1]?.changes.map((c) => `${c.change} ${c.path} ${c.size}`), ['changed a/x 120', 'removed a/y 50', 'removed d 30', 'added z 5']);
    assert.deepEqual(changes[2]?.changes.map((c) => `${c.change} ${c.path} ${c.size}`), ['removed a/x 120', 'added a/new 3']);
  });

  it('wasted space: overwritten, deleted files and directories, opaque directories', () => {
    const report = wasteReport(layers);
    // a/x: 100 + 120 + 0 (hidden by the opaque directory); a/y: 50 + 0; d/in: 30 + 0.
    assert.equal(report.wastedBytes, 220 + 50 + 30);
    assert.deepEqual(report.offenders.map((o) => [o.path, o.count, o.totalBytes, o.reclaimableBytes]), [['a/x', 3, 220, 220], ['a/y', 2, 50, 50], ['d/in', 2, 30, 30]]);
    const all = 100 + 50 + 30 + 7 + 120 + 5 + 3;
    assert.equal(report.efficiency, (all - 300) / all);
  });

  it("wasted percent: a share of every layer's file bytes, never above 100 % where dive's user-layer figure is", () => {
    // A later layer rewrites the first layer's big file: dive's wasted bytes (both copies) pass the later layers' bytes.
    const rewritten = [layer([file('big', 1000), file('small', 10)], 1), layer([file('big', 400)], 2)];
    const report = wasteReport(rewritten);
    assert.equal(report.wastedBytes, 1400);
    assert.equal(report.userBytes, 400);
    assert.equal(report.userWastedPercent, 350);
    assert.equal(report.layerBytes, 1410);
    assert.equal(report.wastedPercent, (1400 / 1410) * 100);
    assert.ok(report.wastedPercent <= 100);
    const none = wasteReport([]);
    assert.equal(none.layerBytes, 0);
    assert.equal(none.wastedPercent, 0);
  });

  it('reclaimable: every copy but the one the image shows, whether the file grew or shrank', () => {
    const grewAndShrank = [layer([file('grew', 100), file('shrank', 300)], 1), layer([file('grew', 300), file('shrank', 100)], 2)];
    const report = wasteReport(grewAndShrank);
    assert.deepEqual(report.offenders.map((o) => [o.path, o.totalBytes, o.reclaimableBytes]), [['grew', 400, 100], ['shrank', 400, 300]]);
  });

  it('wasted and reclaimable bytes count every path found in more than one layer, however few offenders are listed', () => {
    const report = wasteReport(layers, 1);
    assert.equal(report.offenders.length, 1);
    // By hand from the layers above: a/x 100 + 120 + 0, a/y 50 + 0, d/in 30 + 0, none of them shown in the image.
    assert.deepEqual([report.wastedPaths, report.wastedBytes, report.reclaimableBytes], [3, 300, 300]);
    const grewAndShrank = wasteReport([layer([file('grew', 100), file('shrank', 300)], 1), layer([file('grew', 300), file('shrank', 100)], 2)], 0);
    // grew: 100 + 300, the 300 shown; shrank: 300 + 100, the 100 shown.
    assert.deepEqual([grewAndShrank.wastedPaths, grewAndShrank.wastedBytes, grewAndShrank.reclaimableBytes, grewAndShrank.offenders.length], [2, 800, 400, 0]);
  });

  it('the merged view counts each layer\'s changes as the layer\'s own view of them does', () => {
    const { changeCounts } = mergedView(layers, { countChanges: true });
    // By hand: layer 1 adds a, a/x, a/y, d, d/in, keep, hl; layer 2 changes a/x, removes a/y and d, adds z (a is
    // unchanged: same mode and owner); layer 3 removes a/x (the opaque directory), adds a/new.
    assert.deepEqual(changeCounts, [
      { added: 7, changed: 0, removed: 0 },
      { added: 1, changed: 1, removed: 2 },
      { added: 1, changed: 0, removed: 1 },
    ]);
    assert.deepEqual(changeCounts, layerChanges(layers).map(({ added, changed, removed }) => ({ added, changed, removed })));
    assert.equal(mergedView(layers).changeCounts, undefined, 'counted only when asked');
  });

  it('diffs two merged trees by size impact and names the path that explains it', () => {
    const before = mergedView(layers.slice(0, 1));
    const after = mergedView(layers);
    const diff = fileDiff(before, after);
    assert.deepEqual(diff.items.map((i) => `${i.change} ${i.path} ${i.delta} ${i.layer}`).slice(0, 4), ['removed a/x -100 2', 'removed a/y -50 1', 'removed d/in -30 1', 'added z 5 1']);
    assert.deepEqual(diff.top[0], { path: 'a', delta: -147 });
  });

  it('leaves directories that only came or went out of the diff, and marks a mode or owner change', () => {
    const before = mergedView([layer([dir('etc'), file('etc/conf', 10), dir('old'), file('gone', 4)], 1)]);
    const after = mergedView([layer([{ ...dir('etc'), mode: 0o700 }, { ...file('etc/conf', 10), uid: 1000 }, dir('srv'), file('srv/model.bin', 400), dir('empty')], 1)]);
    const diff = fileDiff(before, after);
    assert.deepEqual(diff.items.map((i) => `${i.change} ${i.kind} ${i.path} ${i.delta}${i.metadata ? ' metadata' : ''}`), ['added file srv/model.bin 400', 'removed file gone -4', 'changed dir etc 0 metadata', 'changed file etc/conf 0 metadata']);
  });

  it('needs no recursion for deep paths', () => {
    const deep = Array.from({ length: 2000 }, () => 'd').join('/');
    const fs = new MergedFs();
    fs.apply(0, [file(`${deep}/f`, 1)]);
    fs.apply(1, [file('.wh.d', 0)]);
    assert.equal(fs.files().length, 0);
  });
});
