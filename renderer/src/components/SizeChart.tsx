// Size over time: each tag's compressed size against its created date, one series per platform, so a user sees
// when an image grew. Plain SVG, one path per series (10,000 points are a few DOM nodes, not 10,000); the point
// under the pointer is found by a search over points sorted by date. Click opens a tag; Shift+click picks two to
// compare.
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { formatBytes, plural } from '../../../shared/format.js';
import type { TagDetails } from '../stores/repository.js';

export interface ChartPoint {
  readonly tag: string;
  readonly series: string;
  readonly time: number;
  readonly size: number;
}

const HEIGHT = 150;
const PAD = { left: 56, right: 12, top: 10, bottom: 22 } as const;
const COLORS = ['var(--accent)', 'var(--unique)', 'var(--good)', 'var(--bad)', '#9b59b6', '#16a0a0'];
const HIT_RADIUS = 12;

/** Points of every tag with a summary and a created date: per platform for multi-arch images. */
export function chartPoints(tags: readonly string[], details: ReadonlyMap<string, TagDetails>): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const tag of tags) {
    const d = details.get(tag);
    if (d?.state !== 'ready') continue;
    const { info } = d;
    if (info.kind === 'index' && info.platforms.length > 1) {
      for (const p of info.platforms) {
        const time = Date.parse(p.created ?? info.created ?? '');
        if (Number.isFinite(time)) points.push({ tag, series: [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/'), time, size: p.size });
      }
    } else {
      const time = Date.parse(info.created ?? '');
      const p = info.platforms[0];
      const series = p ? [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/') : 'image';
      if (Number.isFinite(time)) points.push({ tag, series, time, size: info.totalSize });
    }
  }
  return points.sort((a, b) => a.time - b.time);
}

export function SizeChart({ points, onOpen, onCompare }: { readonly points: readonly ChartPoint[]; readonly onOpen: (tag: string) => void; readonly onCompare: (a: string, b: string) => void }) {
  // A callback ref: the figure first appears when the second point arrives, long after the first render, and is
  // measured then (an effect run once at mount saw no figure and left the chart at its default width).
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<ChartPoint | undefined>();
  const [picked, setPicked] = useState<string | undefined>();

  useEffect(() => {
    if (!element) return;
    // The figure's inner width: its padding is not drawing room.
    const measure = (): void => {
      const style = getComputedStyle(element);
      setWidth(Math.max(200, element.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0)));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);

  const layout = useMemo(() => {
    const minTime = points[0]?.time ?? 0;
    const maxTime = points[points.length - 1]?.time ?? 1;
    let maxSize = 1;
    for (const p of points) if (p.size > maxSize) maxSize = p.size;
    const span = Math.max(1, maxTime - minTime);
    // Every tag with one created date (reproducible builds stamp a fixed one): the points stand in the middle of the
    // plot, not on its y-axis.
    const x = (time: number): number => PAD.left + (maxTime === minTime ? 0.5 : (time - minTime) / span) * (width - PAD.left - PAD.right);
    const y = (size: number): number => PAD.top + (1 - size / maxSize) * (HEIGHT - PAD.top - PAD.bottom);
    const series = [...new Set(points.map((p) => p.series))];
    const paths = series.map((name) => {
      let d = '';
      for (const p of points) if (p.series === name) d += `M${x(p.time).toFixed(1)} ${y(p.size).toFixed(1)}h0`;
      return { name, d };
    });
    return { x, y, series, paths, minTime, maxTime, maxSize };
  }, [points, width]);

  /** The point nearest the pointer within HIT_RADIUS, found from the date order (binary search, then a window). */
  const nearest = (event: MouseEvent<SVGSVGElement>): ChartPoint | undefined => {
    const box = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (layout.x((points[mid] as ChartPoint).time) < px - HIT_RADIUS) lo = mid + 1;
      else hi = mid;
    }
    let best: ChartPoint | undefined;
    let bestDistance = HIT_RADIUS * HIT_RADIUS;
    for (let i = lo; i < points.length; i++) {
      const p = points[i] as ChartPoint;
      const dx = layout.x(p.time) - px;
      if (dx > HIT_RADIUS) break;
      const dy = layout.y(p.size) - py;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        best = p;
        bestDistance = distance;
      }
    }
    return best;
  };

  if (points.length < 2) return null;
  const day = (time: number): string => new Date(time).toISOString().slice(0, 10);
  return (
    <figure className="size-chart" ref={setElement}>
      <figcaption className="muted small">
        Size over time · {plural(points.length, 'point')} · click opens a tag, Shift+click two to compare
        {picked ? ` · ${picked} picked, Shift+click another` : ''}
        {layout.series.length > 1 &&
          layout.series.map((name, i) => (
            <span key={name} className="legend">
              <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} /> {name}
            </span>
          ))}
      </figcaption>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Compressed size of ${plural(points.length, 'tag')} from ${day(layout.minTime)} to ${day(layout.maxTime)}, up to ${formatBytes(layout.maxSize)}`}
        onMouseMove={(e) => setHover(nearest(e))}
        onMouseLeave={() => setHover(undefined)}
        onClick={(e) => {
          const point = nearest(e);
          if (!point) return;
          if (!e.shiftKey) {
            onOpen(point.tag);
            return;
          }
          if (picked === undefined || picked === point.tag) setPicked(point.tag);
          else {
            onCompare(picked, point.tag);
            setPicked(undefined);
          }
        }}
        style={{ cursor: hover ? 'pointer' : 'default' }}
      >
        <line x1={PAD.left} x2={width - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} className="axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} className="axis" />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="tick">
          {formatBytes(layout.maxSize)}
        </text>
        <text x={PAD.left - 6} y={HEIGHT - PAD.bottom} textAnchor="end" className="tick">
          0
        </text>
        {layout.minTime === layout.maxTime ? (
          <text x={layout.x(layout.minTime)} y={HEIGHT - 6} textAnchor="middle" className="tick">
            {day(layout.minTime)}
          </text>
        ) : (
          <>
            <text x={PAD.left} y={HEIGHT - 6} className="tick">
              {day(layout.minTime)}
            </text>
            <text x={width - PAD.right} y={HEIGHT - 6} textAnchor="end" className="tick">
              {day(layout.maxTime)}
            </text>
          </>
        )}
        {layout.paths.map((path, i) => (
          <path key={path.name} d={path.d} stroke={COLORS[i % COLORS.length]} strokeWidth={5} strokeLinecap="round" fill="none" />
        ))}
        {picked &&
          points
            .filter((p) => p.tag === picked)
            .map((p) => <circle key={`picked-${p.series}`} cx={layout.x(p.time)} cy={layout.y(p.size)} r={6} className="picked" />)}
        {hover && (
          <g pointerEvents="none">
            <circle cx={layout.x(hover.time)} cy={layout.y(hover.size)} r={6} className="hover" />
            <text x={Math.min(layout.x(hover.time) + 8, width - 180)} y={Math.max(layout.y(hover.size) - 8, 12)} className="tip" data-testid="chart-tip">
              {hover.tag} · {formatBytes(hover.size)} · {day(hover.time)}
              {layout.series.length > 1 ? ` · ${hover.series}` : ''}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
