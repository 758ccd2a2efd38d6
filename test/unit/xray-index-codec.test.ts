// The layer-index file format: every field round-trips (links that are empty, ids beyond 32 bits, no entries at
// all, texts with a lone surrogate), and a file that is cut, padded, or whose checksum was recomputed over altered
// columns or over a path the indexer refuses (`..`, NUL, a leading `/`) reads as a miss.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LayerEntry, LayerIndex } from '../../shared/xray.js';
import { MAGIC, decodeIndex, encodeIndex } from '../../electron/core/xray/index-codec.js';

const hex = (n: number): string => n.toString(16).padStart(64, '0');
const DIGEST = `sha256:${hex(1)}`;
const DIFF_ID = `sha256:${hex(2)}`;

function index(entries: LayerEntry[]): LayerIndex {
  return { digest: DIGEST, diffId: DIFF_ID, tarSize: 10_240, entries };
}

const MIXED: LayerEntry[] = [
  { path: 'etc', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
  { path: 'etc/passwd', kind: 'file', size: 1234, mode: 0o644, uid: 0, gid: 0, sha256: hex(7) },
  { path: 'bin/sh', kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: 'busybox' },
  { path: 'bin/empty-link', kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, link: '' },
  { path: 'bin/ls', kind: 'hardlink', size: 0, mode: 0o755, uid: 1000, gid: 1000, link: 'bin/busybox' },
  { path: 'dev/null', kind: 'char', size: 0, mode: 0o666, uid: 0, gid: 0 },
  { path: 'home/ünïcødé/文件 with spaces', kind: 'file', size: 2 ** 40, mode: 0o4755, uid: 2 ** 33, gid: 5, sha256: hex(8) },
  { path: 'opt/.wh..wh..opq', kind: 'file', size: 0, mode: 0o600, uid: 0, gid: 0, sha256: hex(0) },
];

/** A file whose checksum line is recomputed after `edit` changed the rest: only the shape checks can catch it. */
function resealed(file: Buffer, edit: (body: Buffer) => Buffer): Buffer {
  const firstLine = file.indexOf(0x0a) + 1;
  const body = edit(Buffer.from(file.subarray(firstLine)));
  return Buffer.concat([Buffer.from(`${MAGIC} ${createHash('sha256').update(body).digest('hex')}\n`), body]);
}

describe('layer index codec', () => {
  it('round-trips every kind of entry, under the digest and the DiffID', () => {
    const file = encodeIndex(index(MIXED));
    assert.ok(file);
    assert.deepEqual(decodeIndex(file, DIGEST), index(MIXED));
    assert.deepEqual(decodeIndex(file, DIFF_ID), index(MIXED));
    assert.equal(decodeIndex(file, `sha256:${hex(3)}`), undefined, 'another layer asked for');
  });

  it('round-trips an empty layer, one empty link, and 32-bit ids', () => {
    for (const entries of [[], [MIXED[3] as LayerEntry], MIXED.slice(0, 6)]) {
      const file = encodeIndex(index(entries));
      assert.ok(file);
      assert.deepEqual(decodeIndex(file, DIGEST), index(entries));
    }
  });

  it('reads a file from an unaligned buffer', () => {
    const file = encodeIndex(index(MIXED)) as Buffer;
    const shifted = Buffer.alloc(file.length + 3);
    file.copy(shifted, 3);
    assert.deepEqual(decodeIndex(shifted.subarray(3), DIGEST), index(MIXED));
  });

  it('round-trips any text, and stores nothing out of bounds', () => {
    const bad = (entry: Partial<LayerEntry>): LayerEntry => ({ ...(MIXED[1] as LayerEntry), ...entry });
    const odd = [bad({ path: 'lone-\ud800' }), { ...(MIXED[2] as LayerEntry), link: '"quoted"\n\ud800' }];
    assert.deepEqual(decodeIndex(encodeIndex(index(odd)) as Buffer, DIGEST), index(odd));
    // What the indexer refuses in a layer is not stored either.
    assert.equal(encodeIndex(index([bad({ path: 'a\0b' })])), undefined);
    assert.equal(encodeIndex(index([bad({ path: 'a/../b' })])), undefined);
    assert.equal(encodeIndex(index([{ ...(MIXED[2] as LayerEntry), link: 'a\0b' }])), undefined);
    assert.equal(encodeIndex(index([bad({ path: 'x'.repeat(4097) })])), undefined);
    assert.equal(encodeIndex(index([bad({ sha256: 'xyz' })])), undefined);
    assert.equal(encodeIndex(index([bad({ size: -1 })])), undefined);
    assert.equal(encodeIndex(index([bad({ mode: 0o10000 })])), undefined);
  });

  it('a cut, lengthened or altered file is a miss', () => {
    const file = encodeIndex(index(MIXED)) as Buffer;
    assert.equal(decodeIndex(file.subarray(0, file.length - 1), DIGEST), undefined, 'cut');
    assert.equal(decodeIndex(Buffer.concat([file, Buffer.from([0])]), DIGEST), undefined, 'lengthened');
    const flipped = Buffer.from(file);
    flipped[flipped.length - 10] = (flipped[flipped.length - 10] as number) ^ 1;
    assert.equal(decodeIndex(flipped, DIGEST), undefined, 'checksum');
    assert.equal(decodeIndex(Buffer.from(`${MAGIC} ${hex(0)}\n`), DIGEST), undefined, 'no header');
    assert.equal(decodeIndex(Buffer.from('stevedore-xray-1 0000\nold'), DIGEST), undefined, 'older format');
  });

  it('checks the shape even when the checksum matches', () => {
    const file = encodeIndex(index(MIXED)) as Buffer;
    const newline = (body: Buffer): number => body.indexOf(0x0a);
    const header = (body: Buffer): string => body.toString('latin1', 0, newline(body));
    const withHeader = (edit: (h: Record<string, unknown>) => void) =>
      resealed(file, (body) => {
        const h = JSON.parse(header(body)) as Record<string, unknown>;
        edit(h);
        const text = JSON.stringify(h).padEnd(newline(body));
        return text.length === newline(body) ? Buffer.concat([Buffer.from(text, 'latin1'), body.subarray(newline(body))]) : body;
      });
    assert.equal(decodeIndex(withHeader((h) => (h.count = (h.count as number) - 1)), DIGEST), undefined, 'count');
    assert.equal(decodeIndex(withHeader((h) => (h.linkCount = (h.linkCount as number) + 1)), DIGEST), undefined, 'links');
    assert.equal(decodeIndex(withHeader((h) => (h.shaCount = 0)), DIGEST), undefined, 'checksums');
    assert.equal(decodeIndex(withHeader((h) => (h.digest = 'not a digest')), DIGEST), undefined, 'digest');
    // A kind code past the last one, in the flags column (just before the sha256 column).
    const kindAt = newline(file.subarray(file.indexOf(0x0a) + 1)) + 1 + MIXED.length * (8 + 8 + 8 + 2);
    const badKind = resealed(file, (body) => {
      body[kindAt] = 15;
      return body;
    });
    assert.equal(decodeIndex(badKind, DIGEST), undefined, 'kind');
  });

  it('a resealed file whose paths or links the indexer would refuse is a miss', () => {
    const entry = (path: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({ path, kind: 'file', size: 1, mode: 0o644, uid: 0, gid: 0, ...extra });
    // Each placeholder is swapped for a text of the same JSON length, so only the path rules can tell.
    const cases: readonly (readonly [LayerEntry, string, string])[] = [
      [entry('x/yy/z'), 'x/yy/z', 'x/../z'],
      [entry('zz'), 'zz', '..'],
      [entry('abcdefgh'), 'abcdefgh', 'a\0b'],
      [entry('xetc'), 'xetc', '/etc'],
      [entry('a/xb'), 'a/xb', 'a//b'],
      [entry('abc'), 'abc', 'ab/'],
      [entry('x/a'), 'x/a', './a'],
      [entry('x/a', { kind: 'hardlink', size: 0, link: 'zz/busybox' }), 'zz/busybox', '../busybox'],
      [entry('x/a', { kind: 'symlink', size: 0, link: 'tuvwxyzq' }), 'tuvwxyzq', 't\0u'],
    ];
    for (const [bad, from, to] of cases) {
      const entries = [MIXED[0] as LayerEntry, bad];
      const file = encodeIndex(index(entries)) as Buffer;
      assert.deepEqual(decodeIndex(file, DIGEST), index(entries), `${from} as stored`);
      const [quotedFrom, quotedTo] = [JSON.stringify(from), JSON.stringify(to)];
      assert.equal(quotedFrom.length, quotedTo.length);
      const edited = resealed(file, (body) => {
        const at = body.indexOf(quotedFrom, body.indexOf(0x0a));
        assert.ok(at > 0);
        body.write(quotedTo, at, 'utf8');
        return body;
      });
      assert.equal(decodeIndex(edited, DIGEST), undefined, `${JSON.stringify(to)} read back`);
    }
  });
});
