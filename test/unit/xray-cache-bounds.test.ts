// A hostile X-ray cache file (edited and resealed: its checksum is right) that declares more than this program ever
// writes is a miss before anything of it is decoded: near the cache's 512 MB limit such a file would otherwise build
// millions of objects and run the process out of memory (a crash, not a miss). The cache removes it, so it is rebuilt.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LayerIndexCache } from '../../electron/core/xray/index-cache.js';
import { MAGIC, MAX_INDEX_ENTRIES, decodeIndex } from '../../electron/core/xray/index-codec.js';
import { MAX_MERGED_LAYERS, MERGED_MAGIC, decodeMergedView, encodeMergedView, mergedKey } from '../../electron/core/xray/merged-codec.js';
import { isFlatStringArray, seal, textColumns } from '../../electron/core/xray/sealed-columns.js';

const hex = (n: number): string => n.toString(16).padStart(64, '0');
const DIGEST = `sha256:${hex(1)}`;
const DIFF_ID = `sha256:${hex(2)}`;

/** A layer index of `count` plain files named `a` (zeroed columns: size 0, mode 0, ids 0, kind file), sealed. */
function indexOfCount(count: number): Buffer {
  const texts = textColumns(new Array<string>(count).fill('a'), []);
  const header = { digest: DIGEST, diffId: DIFF_ID, tarSize: 0, count, idBytes: 4, pathBytes: texts.pathText.length, linkCount: 0, linkBytes: texts.linkText.length, shaCount: 0 };
  return seal(MAGIC, header, count * (8 + 4 + 4 + 2 + 1), texts, () => undefined);
}

describe('X-ray cache files past the bounds', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-xray-bounds-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a layer index of more entries than the indexer allows is a miss, removed from the cache', async () => {
    const small = decodeIndex(indexOfCount(3), DIGEST);
    assert.equal(small?.entries.length, 3, 'the hand-made file is well formed');
    const over = indexOfCount(MAX_INDEX_ENTRIES + 1);
    assert.equal(decodeIndex(over, DIGEST), undefined);
    const cache = new LayerIndexCache(dir);
    await mkdir(cache.dir, { recursive: true });
    await writeFile(cache.pathOf(DIGEST), over);
    assert.equal(await cache.get(DIGEST), undefined);
    assert.equal(existsSync(cache.pathOf(DIGEST)), false, 'removed, so the next run rebuilds it');
  });

  it('counts of links, checksums or text bytes beyond what the rows can hold are a miss', () => {
    const reheaded = (edit: (h: Record<string, unknown>) => void): Buffer => {
      const texts = textColumns(['a'], []);
      const header: Record<string, unknown> = { digest: DIGEST, diffId: DIFF_ID, tarSize: 0, count: 1, idBytes: 4, pathBytes: texts.pathText.length, linkCount: 0, linkBytes: texts.linkText.length, shaCount: 0 };
      edit(header);
      // Columns as long as the header says, so only the bounds can refuse it.
      const columnBytes = (header.count as number) * 19 + (header.shaCount as number) * 32;
      const pad = (header.pathBytes as number) - texts.pathText.length;
      return seal(MAGIC, header, columnBytes + pad, texts, () => undefined);
    };
    assert.ok(decodeIndex(reheaded(() => undefined), DIGEST));
    assert.equal(decodeIndex(reheaded((h) => (h.shaCount = 1000)), DIGEST), undefined, 'checksums');
    assert.equal(decodeIndex(reheaded((h) => (h.pathBytes = 1_000_000)), DIGEST), undefined, 'path bytes');
  });

  it('a path text within the bounds that is not an array of strings is a miss before anything of it is built', () => {
    // A few rows may carry megabytes of path text (a path may be 4096 characters, each escaped). Resealed as
    // `[[],[],…]`, JSON.parse built millions of arrays before their number could be compared with the rows: in a
    // 64 MB heap (the real one has more, the cache file may be 512 MB) the process died of it.
    const codec = fileURLToPath(new URL('../../electron/core/xray/index-codec.js', import.meta.url));
    const sealed = fileURLToPath(new URL('../../electron/core/xray/sealed-columns.js', import.meta.url));
    const script = `
      const { MAGIC, decodeIndex } = await import(${JSON.stringify(codec)});
      const { seal } = await import(${JSON.stringify(sealed)});
      const count = 400;
      const pathText = Buffer.from('[' + '[],'.repeat(3_200_000) + '[]]');
      const hex = (n) => n.toString(16).padStart(64, '0');
      const header = { digest: 'sha256:' + hex(1), diffId: 'sha256:' + hex(2), tarSize: 0, count, idBytes: 4, pathBytes: pathText.length, linkCount: 0, linkBytes: 2, shaCount: 0 };
      const file = seal(MAGIC, header, count * 19, { pathText, linkText: Buffer.from('[]') }, () => undefined);
      process.stdout.write(String(decodeIndex(file, 'sha256:' + hex(1))));
    `;
    const child = spawnSync(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.signal, null, `the decoder died: ${child.stderr.slice(0, 300)}`);
    assert.equal(child.stdout, 'undefined');
  });

  it('the path text check takes what JSON.stringify writes and nothing else', () => {
    const odd = ['a', '"', '\\', '\\"', 'x,y', ']', '[', 'é€😀', '\u0000\n', '\\\\'];
    assert.equal(isFlatStringArray(Buffer.from(JSON.stringify(odd)), odd.length), true);
    assert.equal(isFlatStringArray(Buffer.from(JSON.stringify(odd)), odd.length - 1), false);
    assert.equal(isFlatStringArray(Buffer.from(JSON.stringify(odd)), odd.length + 1), false);
    assert.equal(isFlatStringArray(Buffer.from('[]'), 0), true);
    for (const text of ['[]', '[[]]', '["a",[]]', '["a" ]', '["a"', '["a",]', '"a"', '["a"]x', '["a\\"]', '[1]', '[{}]'])
      assert.equal(isFlatStringArray(Buffer.from(text), 1), false, text);
  });

  it('a merged view of more layers than any image has is a miss, and such a view is not written', () => {
    const layer = (n: number) => ({ digest: `sha256:${hex(n)}`, diffId: `sha256:${hex(n + 5000)}`, tarSize: 1024, entries: 0 });
    const key = mergedKey([{ key: DIGEST }]);
    const atLimit = Array.from({ length: MAX_MERGED_LAYERS }, (_, i) => layer(i + 1));
    const view = { files: [], totals: new Map<string, number>(), layers: atLimit };
    const written = encodeMergedView(key, view);
    assert.ok(written);
    assert.equal(decodeMergedView(written, key)?.layers.length, MAX_MERGED_LAYERS);
    assert.equal(encodeMergedView(key, { ...view, layers: [...atLimit, layer(9999)] }), undefined);
    const texts = textColumns([], []);
    const header = { key, layers: [...atLimit, layer(9999)], total: 0, count: 0, idBytes: 4, pathBytes: texts.pathText.length, linkCount: 0, linkBytes: texts.linkText.length, shaCount: 0 };
    assert.equal(decodeMergedView(seal(MERGED_MAGIC, header, 0, texts, () => undefined), key), undefined);
  });
});
