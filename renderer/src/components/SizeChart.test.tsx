import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TagDetails } from '../stores/repository.js';
import { SizeChart, chartPlatforms, chartPoints, type ChartPoint } from './SizeChart.js';

const ready = (size: number, created: string, platforms: { arch: string; size: number }[] = [{ arch: 'amd64', size }]): TagDetails => ({
  state: 'ready',
  info: { digest: 'sha256:x', mediaType: 'm', kind: platforms.length > 1 ? 'index' : 'manifest', totalSize: size, created, platforms: platforms.map((p) => ({ platform: { os: 'linux', architecture: p.arch }, digest: 'sha256:p', size: p.size, created })) },
});

describe('size over time', () => {
  it('plots each tag by date, one series per platform for multi-arch images', () => {
    const details = new Map<string, TagDetails>([
      ['new', ready(300, '2026-03-01T00:00:00Z')],
      ['old', ready(100, '2026-01-01T00:00:00Z')],
      ['multi', ready(500, '2026-02-01T00:00:00Z', [{ arch: 'amd64', size: 250 }, { arch: 'arm64', size: 240 }])],
      ['loading', { state: 'error', error: { code: 'NOT_FOUND', message: 'x' } }],
    ]);
    const points = chartPoints(['new', 'old', 'multi', 'loading'], details);
    expect(points.map((p) => `${p.tag} ${p.series} ${p.size}`)).toEqual(['old linux/amd64 100', 'multi linux/amd64 250', 'multi linux/arm64 240', 'new linux/amd64 300']);
  });

  it('draws 10,000 points as one path per series, opens a tag on click and compares two on Shift+click', () => {
    const many: ChartPoint[] = Array.from({ length: 10_000 }, (_, i) => ({ tag: `t${i}`, series: i % 2 ? 'linux/amd64' : 'linux/arm64', time: i * 1000, size: 1 + i }));
    const { container, unmount } = render(<SizeChart points={many} onOpen={() => undefined} onCompare={() => undefined} />);
    // One platform at a time by default (linux/amd64), every platform on request: a path per series either way.
    expect(container.querySelectorAll('path')).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Platform'), { target: { value: 'all' } });
    expect(container.querySelectorAll('path')).toHaveLength(2);
    expect(container.querySelectorAll('circle')).toHaveLength(0);
    unmount();

    const onOpen = vi.fn();
    const onCompare = vi.fn();
    // jsdom has no layout: the chart is 200 px wide, points at the left edge (56) and the right edge (188).
    const two: ChartPoint[] = [
      { tag: 'a', series: 's', time: 0, size: 100 },
      { tag: 'b', series: 's', time: 1000, size: 200 },
    ];
    render(<SizeChart points={two} onOpen={onOpen} onCompare={onCompare} />);
    const chart = screen.getByRole('img');
    fireEvent.mouseMove(chart, { clientX: 57, clientY: 70 });
    expect(screen.getByTestId('chart-tip').textContent).toContain('a');
    fireEvent.click(chart, { clientX: 56, clientY: 69 });
    expect(onOpen).toHaveBeenCalledWith('a');
    fireEvent.click(chart, { clientX: 56, clientY: 69, shiftKey: true });
    // The pick takes the hint's place in the caption (a longer caption could wrap and move the points).
    const caption = screen.getByRole('figure').querySelector('figcaption')?.textContent ?? '';
    expect(caption).toContain('a picked: Shift+click another to compare');
    expect(caption).not.toContain('click opens a tag');
    fireEvent.click(chart, { clientX: 188, clientY: 10, shiftKey: true });
    expect(onCompare).toHaveBeenCalledWith('a', 'b');
  });

  it('takes the width it is given when its points arrive after the first render', () => {
    const width = vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    try {
      const two: ChartPoint[] = [
        { tag: 'a', series: 's', time: 0, size: 100 },
        { tag: 'b', series: 's', time: 1000, size: 200 },
      ];
      // As in a repository: no summaries yet (no chart), then the sizes come in.
      const { rerender } = render(<SizeChart points={[]} onOpen={() => undefined} onCompare={() => undefined} />);
      expect(screen.queryByRole('img')).toBeNull();
      rerender(<SizeChart points={two} onOpen={() => undefined} onCompare={() => undefined} />);
      expect(screen.getByRole('img').getAttribute('width')).toBe('1000');
    } finally {
      width.mockRestore();
    }
  });

  it('stands tags that share one created date in the middle of the plot, under one date', () => {
    // Reproducible builds stamp every image with one date: jsdom's chart is 200 px wide, so the middle is 122.
    const onOpen = vi.fn();
    const same: ChartPoint[] = [
      { tag: 'a', series: 's', time: 0, size: 100 },
      { tag: 'b', series: 's', time: 0, size: 200 },
    ];
    const { container } = render(<SizeChart points={same} onOpen={onOpen} onCompare={() => undefined} />);
    expect(container.querySelector('path')?.getAttribute('d')).toBe('M122.0 69.0h0M122.0 10.0h0');
    expect([...container.querySelectorAll('text.tick')].map((t) => t.textContent)).toEqual(['200 B', '0', '1970-01-01']);
    fireEvent.click(screen.getByRole('img'), { clientX: 122, clientY: 10 });
    expect(onOpen).toHaveBeenCalledWith('b');
  });

  it('names every tag a dot stands for when tags share a size and a date (an index and its platform\'s own tag)', () => {
    // 1.1 and platform-amd64 name one image: one dot, where the tip named only the last, and 1.1 (counted in
    // '3 tags shown') could be neither seen nor opened from the chart.
    const onOpen = vi.fn();
    const points: ChartPoint[] = [
      { tag: '1.0', series: 'linux/amd64', time: 0, size: 100 },
      { tag: '1.1', series: 'linux/amd64', time: 1000, size: 200, ofPlatforms: 2, tagSize: 300 },
      { tag: 'platform-amd64', series: 'linux/amd64', time: 1000, size: 200 },
      { tag: 'platform-arm64', series: 'linux/arm64', time: 1000, size: 200 },
    ];
    const { unmount } = render(<SizeChart points={points} onOpen={onOpen} onCompare={() => undefined} />);
    const chart = screen.getByRole('img');
    fireEvent.mouseMove(chart, { clientX: 188, clientY: 10 });
    expect(screen.getByTestId('chart-tip').textContent).toBe('platform-amd64 and 1.1 · linux/amd64 200 B each · 1970-01-01');
    fireEvent.click(chart, { clientX: 188, clientY: 10 });
    expect(onOpen).toHaveBeenCalledWith('platform-amd64');
    unmount();
    // Many on one spot: the first few, then how many more.
    const crowd: ChartPoint[] = [{ tag: 'old', series: 's', time: 0, size: 1 }, ...Array.from({ length: 6 }, (_, i) => ({ tag: `t${i}`, series: 's', time: 1000, size: 200 }))];
    render(<SizeChart points={crowd} onOpen={() => undefined} onCompare={() => undefined} />);
    fireEvent.mouseMove(screen.getByRole('img'), { clientX: 188, clientY: 10 });
    expect(screen.getByTestId('chart-tip').textContent).toBe('t5, t0, t1 and 3 more tags · s 200 B each · 1970-01-01');
  });

  it('shows a multi-arch tag as one point of the host platform, names the platform, and shows every platform only when asked', () => {
    // Three tags: two multi-arch (amd64 + arm64), one arm64 only. What a user should read, counted by hand:
    // linux/amd64 (the default): 2 tags, 2 points, 1 tag without amd64; all platforms: 3 tags as 5 points.
    const details = new Map<string, TagDetails>([
      ['1.0', ready(900, '2026-01-01T00:00:00Z', [{ arch: 'amd64', size: 500 }, { arch: 'arm64', size: 480 }])],
      ['1.1', ready(1100, '2026-02-01T00:00:00Z', [{ arch: 'amd64', size: 600 }, { arch: 'arm64', size: 580 }])],
      ['arm-only', ready(700, '2026-03-01T00:00:00Z', [{ arch: 'arm64', size: 700 }])],
    ]);
    const points = chartPoints(['1.0', '1.1', 'arm-only'], details);
    expect(points.filter((p) => p.tag === '1.0').map((p) => [p.series, p.size, p.ofPlatforms, p.tagSize])).toEqual([
      ['linux/amd64', 500, 2, 900],
      ['linux/arm64', 480, 2, 900],
    ]);
    // arm64 is the more common platform here, but the host's comes first.
    expect(chartPlatforms(points, 'linux/amd64')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(chartPlatforms(points, 'linux/s390x')).toEqual(['linux/arm64', 'linux/amd64']);
    // An arm64 host (hostPlatform names no variant) pulls the arm64/v8 image most indexes list: that comes first.
    const point = (tag: string, series: string): ChartPoint => ({ tag, series, time: 0, size: 1 });
    const v8 = [point('a', 'linux/amd64'), point('b', 'linux/amd64'), point('c', 'linux/amd64'), point('a', 'linux/arm64/v8'), point('b', 'linux/arm64/v8'), point('a', 'linux/arm64/v7')];
    expect(chartPlatforms(v8, 'linux/arm64')).toEqual(['linux/arm64/v8', 'linux/amd64', 'linux/arm64/v7']);
    expect(chartPlatforms(v8, 'linux/arm')).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm64/v7']);

    const { container } = render(<SizeChart points={points} preferredPlatform="linux/amd64" onOpen={() => undefined} onCompare={() => undefined} />);
    const picker = screen.getByLabelText<HTMLSelectElement>('Platform');
    expect(picker.value).toBe('linux/amd64');
    expect([...picker.options].map((o) => o.textContent)).toEqual(['linux/amd64', 'linux/arm64', 'All platforms']);
    expect(screen.getByTestId('chart-count').textContent).toBe('2 tags shown (1 other tag without linux/amd64)');
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Compressed size of 2 tags for linux/amd64, from 2026-01-01 to 2026-02-01, up to 600 B');
    // Two points, one per tag: two moves in one path, no legend.
    expect(container.querySelectorAll('path')).toHaveLength(1);
    expect(container.querySelector('path')?.getAttribute('d')?.match(/M/g)).toHaveLength(2);
    expect(container.querySelectorAll('.legend')).toHaveLength(0);
    // jsdom's chart is 200 px wide: 1.0 (amd64, 500 B of the 600 B top) is at x 56, y 10 + (1 - 500/600) * 118.
    fireEvent.mouseMove(screen.getByRole('img'), { clientX: 56, clientY: 10 + (1 - 500 / 600) * 118 });
    expect(screen.getByTestId('chart-tip').textContent).toBe('1.0 · linux/amd64 500 B (1 of 2 platforms; the tag: 900 B) · 2026-01-01');

    fireEvent.change(picker, { target: { value: 'all' } });
    expect(screen.getByTestId('chart-count').textContent).toBe('3 tags as 5 points, one per tag and platform');
    expect([...container.querySelectorAll('.legend')].map((l) => l.textContent?.trim())).toEqual(['linux/amd64', 'linux/arm64']);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Compressed size of 3 tags as 5 points, one per tag and platform, from 2026-01-01 to 2026-03-01, up to 700 B');

    fireEvent.change(picker, { target: { value: 'linux/arm64' } });
    expect(screen.getByTestId('chart-count').textContent).toBe('3 tags shown');
  });

  it("names a registry's platform as it was sent: a bidi override or a line break in it is shown escaped, in the picker and the legend", () => {
    // Displayed raw, 'linux/\u202e46mra' reads as 'linux/arm64' beside the real one.
    const details = new Map<string, TagDetails>([
      ['1.0', ready(900, '2026-01-01T00:00:00Z', [{ arch: 'arm64', size: 500 }, { arch: '\u202e46mra', size: 400 }])],
      ['1.1', ready(900, '2026-02-01T00:00:00Z', [{ arch: 'arm64', size: 500 }, { arch: 'amd64\nlinux/arm64', size: 400 }])],
    ]);
    const points = chartPoints(['1.0', '1.1'], details);
    const { container } = render(<SizeChart points={points} preferredPlatform="linux/arm64" onOpen={() => undefined} onCompare={() => undefined} />);
    const picker = screen.getByLabelText<HTMLSelectElement>('Platform');
    expect([...picker.options].map((o) => o.textContent)).toEqual(['linux/arm64', 'linux/\\u202e46mra', 'linux/amd64\\x0alinux/arm64', 'All platforms']);
    fireEvent.change(picker, { target: { value: 'all' } });
    expect([...container.querySelectorAll('.legend')].map((l) => l.textContent?.trim())).toEqual(['linux/arm64', 'linux/\\u202e46mra', 'linux/amd64\\x0alinux/arm64']);
  });

  it('draws no chart for a single multi-arch tag: its platforms are not a history', () => {
    const details = new Map<string, TagDetails>([['only', ready(900, '2026-01-01T00:00:00Z', [{ arch: 'amd64', size: 500 }, { arch: 'arm64', size: 480 }])]]);
    render(<SizeChart points={chartPoints(['only'], details)} onOpen={() => undefined} onCompare={() => undefined} />);
    expect(screen.queryByRole('img')).toBeNull();
  });
});
