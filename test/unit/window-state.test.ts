// The window's saved bounds are a file a hand (or another program) may have edited: only whole numbers within reason
// reach the window, a symlink there is not followed, and saving never writes through a file planted at a temp name.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_BOUNDS, loadBounds, saveBounds } from '../../electron/main/window-state.js';

const POSIX = { skip: process.platform === 'win32' };
const dir = mkdtempSync(join(tmpdir(), 'stevedore-window-state-'));

describe('window state file', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps only whole pixel numbers and a true maximized from the file', () => {
    const file = join(dir, 'window-state.json');
    const load = (value: unknown) => {
      writeFileSync(file, JSON.stringify(value));
      return loadBounds(file);
    };
    assert.deepEqual(load({ x: 10, y: -20, width: 800, height: 600, maximized: true }), { x: 10, y: -20, width: 800, height: 600, maximized: true });
    assert.deepEqual(load({ x: '10', y: 5, width: 800, height: 600, maximized: 'yes' }), { width: 800, height: 600 });
    assert.deepEqual(load({ x: 1.5, y: 5, width: 800, height: 600 }), { width: 800, height: 600 });
    for (const bad of [{ width: '800', height: 600 }, { width: 800, height: 1e300 }, { width: 0, height: 600 }, { width: 800 }, null, [800, 600], 'wide']) {
      assert.deepEqual(load(bad), DEFAULT_BOUNDS, JSON.stringify(bad));
    }
  });

  it('follows no symlink at the file, and saves through no file at its old temp name', POSIX, () => {
    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify({ x: 1, y: 1, width: 700, height: 500 }));
    const linked = join(dir, 'linked.json');
    symlinkSync(elsewhere, linked);
    assert.deepEqual(loadBounds(linked), DEFAULT_BOUNDS);

    const file = join(dir, 'saved.json');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, `${file}.tmp`);
    saveBounds(file, { width: 900, height: 700 });
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'written through the planted link');
    assert.deepEqual(loadBounds(file), { width: 900, height: 700 });
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('saved.json.') && name !== 'saved.json.tmp'), [], 'a temp file was left');
  });
});
