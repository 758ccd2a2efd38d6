import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('its size', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('fills the box it is given, and follows it when the window resizes', () => {
      let box = { width: 1100, height: 420 };
      const observers: (() => void)[] = [];
      vi.stubGlobal(
        'ResizeObserver',
        class {
          constructor(private readonly callback: () => void) {}
          observe(): void {
            observers.push(this.callback);
          }
          disconnect(): void {}
        },
      );
      const measured = vi.spyOn(HTMLDivElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLDivElement) {
        return (this.classList.contains('size-map-box') ? new DOMRect(0, 0, box.width, box.height) : new DOMRect(0, 0, 0, 0)) as DOMRect;
      });
      try {
        const { container } = render(<SizeMap files={[file('usr', 3_000_000, 'dir'), file('usr/lib.so', 3_000_000), file('app', 1_000_000, 'dir')]} />);
        const svg = container.querySelector('svg') as SVGSVGElement;
        const extent = (): { width: number; height: number } => {
          const rects = [...container.querySelectorAll('g')].map((g) => {
            const [x, y] = (g.getAttribute('transform') ?? '').match(/[\d.]+/g)?.map(Number) ?? [0, 0];
            const rect = g.querySelector('rect') as SVGRectElement;
            return { right: (x ?? 0) + Number(rect.getAttribute('width')), bottom: (y ?? 0) + Number(rect.getAttribute('height')) };
          });
          return { width: Math.max(...rects.map((r) => r.right)), height: Math.max(...rects.map((r) => r.bottom)) };
        };
        expect([svg.getAttribute('width'), svg.getAttribute('height')]).toEqual(['1100', '420']);
        expect(extent().width).toBeGreaterThan(1090);
        expect(extent().height).toBeGreaterThan(410);
        box = { width: 700, height: 300 };
        act(() => observers.forEach((o) => o()));
        expect([svg.getAttribute('width'), svg.getAttribute('height')]).toEqual(['700', '300']);
        expect(extent().width).toBeGreaterThan(690);
      } finally {
        measured.mockRestore();
      }
    });
  });
});
