// Size over time: each tag's compressed size against its created date, so a user sees when an image grew. A
// multi-arch tag has one size per platform: the chart shows one platform at a time (the host's by default, as docker
// pull picks), so one point is one tag, or every platform at once, one series each, said in the caption and the tip.
// Plain SVG, one path per series (10,000 points are a few DOM nodes, not 10,000); the point under the pointer is found
// by a search over points sorted by date. Click opens a tag; Shift+click picks two to compare.
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { formatBytes, plural } from '../../../shared/format.js';
import type { TagDetails } from '../stores/repository.js';
import { visibleText } from '../../../shared/visible-text.js';

export interface ChartPoint {
  readonly tag: string;
  /** The platform (os/architecture/variant) this size is of. */
  readonly series: string;
  readonly time: number;
  readonly size: number;
  /** A tag of several platforms: how many, and its size with each blob counted once (the tag list's figure). */
  readonly ofPlatforms?: number;
  readonly tagSize?: number;
}

/** What the picker offers besides the platforms. */
export const ALL_PLATFORMS = 'all';
/** The platform docker pull picks on most machines: the default when the host does not say its own. */
export const DEFAULT_PLATFORM = 'linux/amd64';

const HEIGHT = 150;
const PAD = { left: 56, right: 12, top: 10, bottom: 22 } as const;
const COLORS = ['var(--accent)', 'var(--unique)', 'var(--good)', 'var(--bad)', '#9b59b6', '#16a0a0'];
const HIT_RADIUS = 12;

/** A platform as the chart names it: the registry's words, its controls made visible (visible-text.ts), on one line. */
const platformOf = (p: { readonly os: string; readonly architecture: string; readonly variant?: string }): string => visibleText([p.os, p.architecture, p.variant].filter(Boolean).join('/'), true);

/** Points of every tag with a summary and a created date: one per platform for multi-arch images. */
export function chartPoints(tags: readonly string[], details: ReadonlyMap<string, TagDetails>): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const tag of tags) {
    const d = details.get(tag);
    if (d?.state !== 'ready') continue;
    const { info } = d;
    if (info.kind === 'index' && info.platforms.length > 1) {
      for (const p of info.platforms) {
        const time = Date.parse(p.created ?? info.created ?? '');
        if (Number.isFinite(time)) points.push({ tag, series: platformOf(p.platform), time, size: p.size, ofPlatforms: info.platforms.length, tagSize: info.totalSize });
      }
    } else {
      const time = Date.parse(info.created ?? '');
      const p = info.platforms[0];
      if (Number.isFinite(time)) points.push({ tag, series: p ? platformOf(p.platform) : 'image', time, size: info.totalSize });
    }
  }
  return points.sort((a, b) => a.time - b.time);
}

/**
 * The platforms of the points, the preferred one first, then by how many tags have each (then by name). A preferred
 * platform without a variant is any variant of it, as a pull picks it (the host's `linux/arm64` pulls the
 * `linux/arm64/v8` most indexes list): the exact one first, else its most common variant.
 */
export function chartPlatforms(points: readonly ChartPoint[], preferred: string): string[] {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.series, (counts.get(p.series) ?? 0) + 1);
  const byCount = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1));
  const variant = preferred.split('/').length === 2 ? byCount.find((name) => name.startsWith(`${preferred}/`) && name.split('/').length === 3) : undefined;
  const first = counts.has(preferred) ? preferred : variant;
  return first === undefined ? byCount : [first, ...byCount.filter((name) => name !== first)];
}

const tagCount = (points: readonly ChartPoint[]): number => new Set(points.map((p) => p.tag)).size;

/** Tags named in a tip of one dot before 'and N more tags'. */
const MAX_NAMED = 3;

/** The other tags drawn on the very spot of `p` (same platform, date and size), found from the date order. */
function sameSpot(points: readonly ChartPoint[], p: ChartPoint): ChartPoint[] {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as ChartPoint).time < p.time) lo = mid + 1;
    else hi = mid;
  }
  const out: ChartPoint[] = [];
  for (let i = lo; i < points.length && (points[i] as ChartPoint).time === p.time; i++) {
    const q = points[i] as ChartPoint;
    if (q !== p && q.series === p.series && q.size === p.size && q.tag !== p.tag) out.push(q);
  }
  return out;
}

export function SizeChart({
  points: allPoints,
  preferredPlatform = DEFAULT_PLATFORM,
  onOpen,
  onCompare,
}: {
  readonly points: readonly ChartPoint[];
  /** The host's platform (what a pull there gets): shown first when the tags have it. */
  readonly preferredPlatform?: string;
  readonly onOpen: (tag: string) => void;
  readonly onCompare: (a: string, b: string) => void;
}) {
  // A callback ref: the figure first appears when the second point arrives, long after the first render, and is
  // measured then (an effect run once at mount saw no figure and left the chart at its default width).
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<ChartPoint | undefined>();
  const [picked, setPicked] = useState<string | undefined>();
  /** What the user chose; until then the first platform (the preferred one when there), which follows the data. */
  const [chosen, setChosen] = useState<string | undefined>();

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

  const platforms = useMemo(() => chartPlatforms(allPoints, preferredPlatform), [allPoints, preferredPlatform]);
  const platform = chosen === ALL_PLATFORMS || (chosen !== undefined && platforms.includes(chosen)) ? chosen : (platforms[0] ?? ALL_PLATFORMS);
  const points = useMemo(() => (platform === ALL_PLATFORMS ? allPoints : allPoints.filter((p) => p.series === platform)), [allPoints, platform]);
  const tags = useMemo(() => tagCount(allPoints), [allPoints]);
  const shownTags = useMemo(() => tagCount(points), [points]);

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
    // Colours stay with their platform whichever is shown.
    const paths = platforms.map((name, i) => {
      let d = '';
      for (const p of points) if (p.series === name) d += `M${x(p.time).toFixed(1)} ${y(p.size).toFixed(1)}h0`;
      return { name, d, color: COLORS[i % COLORS.length] as string };
    });
    return { x, y, paths: paths.filter((p) => p.d !== ''), minTime, maxTime, maxSize };
  }, [points, platforms, width]);

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

  // Over time needs two tags at least (one multi-arch tag's platforms are not a history).
  if (allPoints.length < 2 || tags < 2) return null;
  const day = (time: number): string => new Date(time).toISOString().slice(0, 10);
  const all = platform === ALL_PLATFORMS;
  const missing = tags - shownTags;
  const what = all
    ? points.length === shownTags
      ? `${plural(shownTags, 'tag')} shown`
      : `${plural(shownTags, 'tag')} as ${plural(points.length, 'point')}, one per tag and platform`
    : `${plural(shownTags, 'tag')} shown${missing > 0 ? ` (${plural(missing, 'other tag')} without ${platform})` : ''}`;
  const tip = (p: ChartPoint): string => {
    // Tags of one size and date are one dot (an index and its platform's own tag, a tag pushed twice): the tip names
    // them all, the one a click opens first, or a dot stood for a tag the chart counted and never showed.
    const others = sameSpot(points, p);
    if (others.length > 0) {
      const names = [p.tag, ...others.slice(0, MAX_NAMED - 1).map((o) => o.tag)];
      const more = others.length - (MAX_NAMED - 1);
      const list = more > 0 ? `${names.join(', ')} and ${plural(more, 'more tag')}` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`;
      return `${list} · ${p.series} ${formatBytes(p.size)} each · ${day(p.time)}`;
    }
    const of = p.ofPlatforms !== undefined && p.tagSize !== undefined ? ` (1 of ${p.ofPlatforms} platforms; the tag: ${formatBytes(p.tagSize)})` : '';
    return `${p.tag} · ${p.series} ${formatBytes(p.size)}${of} · ${day(p.time)}`;
  };
  const tipRight = hover !== undefined && layout.x(hover.time) > width / 2;
  return (
    <figure className="size-chart" ref={setElement}>
      <figcaption className="muted small">
        Size over time ·{' '}
        {platforms.length > 1 ? (
          <select className="chart-platform" aria-label="Platform" value={platform} onChange={(e) => {
              setChosen(e.target.value);
              setHover(undefined);
            }}>
            {platforms.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
            <option value={ALL_PLATFORMS}>All platforms</option>
          </select>
        ) : (
          (platforms[0] ?? '')
        )}{' '}
        · <span data-testid="chart-count">{what}</span> ·{' '}
        {/* The pick takes the hint's place: a caption that grew a line would move the points from under the pointer. */}
        {picked ? `${picked} picked: Shift+click another to compare` : 'click opens a tag, Shift+click two to compare'}
        {all &&
          layout.paths.map((path) => (
            <span key={path.name} className="legend">
              <span className="swatch" style={{ background: path.color }} /> {path.name}
            </span>
          ))}
      </figcaption>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label={`Compressed size of ${all ? what : `${plural(shownTags, 'tag')} for ${platform}`}, from ${day(layout.minTime)} to ${day(layout.maxTime)}, up to ${formatBytes(layout.maxSize)}`}
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
        {points.length === 0 ? null : layout.minTime === layout.maxTime ? (
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
        {layout.paths.map((path) => (
          <path key={path.name} d={path.d} stroke={path.color} strokeWidth={5} strokeLinecap="round" fill="none" />
        ))}
        {picked &&
          points
            .filter((p) => p.tag === picked)
            .map((p) => <circle key={`picked-${p.series}`} cx={layout.x(p.time)} cy={layout.y(p.size)} r={6} className="picked" />)}
        {hover && (
          <g pointerEvents="none">
            <circle cx={layout.x(hover.time)} cy={layout.y(hover.size)} r={6} className="hover" />
            {/* On the right half the tip ends at the point, so a long one never runs off the chart. */}
            <text x={layout.x(hover.time) + (tipRight ? -8 : 8)} y={Math.max(layout.y(hover.size) - 8, 12)} textAnchor={tipRight ? 'end' : 'start'} className="tip" data-testid="chart-tip">
              {tip(hover)}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
