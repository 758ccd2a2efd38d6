// The layer cache reads every file as untrusted: wrong shapes, older formats, garbage, huge or non-regular files are
// ignored (the entry is rebuilt by the next upload), never a crash; and the verified (blob -> DiffID) pairs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LayerCache } from '../../electron/core/push/layer-cache.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const dir = mkdtempSync(join(tmpdir(), 'stevedore-layercache-unit-'));
const REGISTRY = '127.0.0.1:5000';
const entryDir = join(dir, 'layers', '127.0.0.1_5000', 'gzip');
const entryPath = (diffId: string): string => join(entryDir, diffId.replace(':', '-'));

describe('layer cache', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cache = new LayerCache(dir);
  const layer = { digest: d('b'), size: 1234, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', repository: 'team/app' };

  it('gives back what it recorded, and forgets it', () => {
    cache.record(REGISTRY, d('a'), 'gzip', layer);
    assert.deepEqual(cache.get(REGISTRY, d('a'), 'gzip'), layer);
    assert.equal(cache.get('other:5000', d('a'), 'gzip'), undefined, 'per registry');
    cache.forget(REGISTRY, d('a'), 'gzip');
    assert.equal(cache.get(REGISTRY, d('a'), 'gzip'), undefined);
  });

  it('ignores garbage, wrong shapes, older formats and oversized files', () => {
    const cases: Record<string, string> = {
      garbage: '{"digest": "sha256:',
      'not an object': '[1,2,3]',
      'older format (no version)': JSON.stringify(layer),
      'future version': JSON.stringify({ ...layer, version: 3 }),
      'size not a number': JSON.stringify({ ...layer, version: 2, size: '1234' }),
      'negative size': JSON.stringify({ ...layer, version: 2, size: -1 }),
      'fractional size': JSON.stringify({ ...layer, version: 2, size: 1.5 }),
      'digest not a digest': JSON.stringify({ ...layer, version: 2, digest: 'sha256:../../etc' }),
      'empty repository': JSON.stringify({ ...layer, version: 2, repository: '' }),
      'repository too long': JSON.stringify({ ...layer, version: 2, repository: 'r'.repeat(256) }),
      'no media type': JSON.stringify({ ...layer, version: 2, mediaType: undefined }),
      'digest too long': JSON.stringify({ ...layer, version: 2, digest: `sha256:${'a'.repeat(200)}` }),
      huge: JSON.stringify({ ...layer, version: 2, pad: 'x'.repeat(10_000) }),
    };
    for (const [what, text] of Object.entries(cases)) {
      mkdirSync(entryDir, { recursive: true });
      writeFileSync(entryPath(d('c')), text);
      assert.equal(cache.get(REGISTRY, d('c'), 'gzip'), undefined, what);
    }
    writeFileSync(entryPath(d('c')), JSON.stringify({ ...layer, version: 2 }));
    assert.deepEqual(cache.get(REGISTRY, d('c'), 'gzip'), layer, 'the current format is read');
  });

  it('does not block on a FIFO planted where an entry belongs', () => {
    rmSync(entryPath(d('e')), { force: true });
    execFileSync('mkfifo', [entryPath(d('e'))]);
    assert.equal(cache.get(REGISTRY, d('e'), 'gzip'), undefined);
  });

  it('never builds a path from a key that is not a digest', () => {
    cache.record(REGISTRY, '../../../escape', 'gzip', layer);
    assert.equal(cache.get(REGISTRY, '../../../escape', 'gzip'), undefined);
    assert.ok(!readdirSync(dir).includes('escape'));
  });

  it('keeps verified blob -> DiffID pairs, and ignores a bad one', () => {
    assert.equal(cache.verifiedDiffId(d('f')), undefined);
    cache.recordVerified(d('f'), d('1'));
    assert.equal(cache.verifiedDiffId(d('f')), d('1'));
    writeFileSync(join(dir, 'verified-layers', d('f').replace(':', '-')), JSON.stringify({ version: 2, diffId: 'nope' }));
    assert.equal(cache.verifiedDiffId(d('f')), undefined);
  });
});
