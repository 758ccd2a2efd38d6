import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MergedFile } from '../../../shared/xray.js';
import { label, SizeMap } from './SizeMap.js';

const file = (path: string, bytes: number, kind: MergedFile['kind'] = 'file'): MergedFile => ({ path, kind, size: bytes, bytes, mode: 0o644, uid: 0, gid: 0, layer: 0 });

describe('SizeMap labels', () => {
  it('shows name and size where they fit, the name alone where only it fits, nothing in a sliver', () => {
    expect(label({ name: 'app', bytes: 289_000 }, 200)).toBe('app 289 kB');
    expect(label({ name: 'app', bytes: 289_000 }, 40)).toBe('app');
    expect(label({ name: 'app', bytes: 289_000 }, 12)).toBeUndefined();
  });

  it('never draws a label wider than its rectangle (a small directory beside a big one)', () => {
    const { container } = render(<SizeMap files={[file('app', 289_000, 'dir'), file('app/data.txt', 289_000), file('usr', 3_000_000, 'dir'), file('usr/lib.so', 3_000_000)]} />);
    const cells = [...container.querySelectorAll('g')];
    expect(cells.length).toBe(2);
    for (const g of cells) {
      const width = Number(g.querySelector('rect')?.getAttribute('width'));
      const text = g.querySelector('text')?.textContent ?? '';
      expect(text.length * 6 + 8).toBeLessThanOrEqual(width);
    }
  });
});
