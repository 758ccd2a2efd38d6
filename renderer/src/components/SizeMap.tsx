// A treemap of one directory of the merged filesystem, each rectangle sized by the bytes under it; clicking a
// directory zooms into it.
import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { MergedFile } from '../../../shared/xray.js';
import { formatBytes } from '../../../shared/format.js';
import { visibleText } from '../../../shared/visible-text.js';

/** The drawing's size until its box is measured (and where nothing is laid out, as in a test's DOM). */
const FALLBACK = { width: 640, height: 220 } as const;

/** About the widest a character of the 10 px label font gets, and the room left around a label. */
const CHAR_PX = 6;
const LABEL_PAD = 8;

/**
 * The label that fits in a rectangle `width` wide: name and size, else the name alone, else none. SVG text does not
 * clip at its rectangle, so a longer label would run over its neighbours.
 */
export function label(cell: { readonly name: string; readonly bytes: number }, width: number): string | undefined {
  const full = `${cell.name} ${formatBytes(cell.bytes)}`;
  if (full.length * CHAR_PX + LABEL_PAD <= width) return full;
  if (cell.name.length * CHAR_PX + LABEL_PAD <= width) return cell.name;
  return undefined;
}

/** The size of the element, followed as the window (or the pane) resizes; the map is laid out to fill it. */
function useBoxSize(): [RefObject<HTMLDivElement | null>, { readonly width: number; readonly height: number }] {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ readonly width: number; readonly height: number }>(FALLBACK);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return undefined;
    const measure = (): void => {
      const rect = element.getBoundingClientRect();
      const width = Math.floor(rect.width);
      const height = Math.floor(rect.height);
      if (width > 0 && height > 0) setSize((old) => (old.width === width && old.height === height ? old : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [box, size];
}

interface Cell {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly dir: boolean;
}

/** `scope` says what the map draws when the view beside it shows something else (a layer's changes). */
export function SizeMap({ files, scope }: { readonly files: readonly MergedFile[]; readonly scope?: string }) {
  const [root, setRoot] = useState('');
  const [box, { width, height }] = useBoxSize();
  const cells = useMemo(() => {
    const prefix = root === '' ? '' : `${root}/`;
    const out: Cell[] = [];
    for (const f of files) {
      if (!f.path.startsWith(prefix) || f.path.slice(prefix.length).includes('/') || f.bytes <= 0) continue;
      out.push({ path: f.path, name: visibleText(f.path.slice(prefix.length), true), bytes: f.bytes, dir: f.kind === 'dir' });
    }
    return out;
  }, [files, root]);
  const layout = useMemo(() => {
    const tree = hierarchy<{ children?: Cell[] } | Cell>({ children: cells }, (d) => ('children' in d ? d.children : undefined)).sum((d) => ('bytes' in d ? d.bytes : 0));
    return treemap<{ children?: Cell[] } | Cell>().tile(treemapSquarify).size([width, height]).padding(1)(tree).leaves();
  }, [cells, width, height]);
  return (
    <figure className="size-map" aria-label="Size map">
      <figcaption>
        Size map of /{visibleText(root, true)}
        {scope !== undefined && <span className="muted"> ({scope})</span>}{' '}
        {root !== '' && (
          <button type="button" onClick={() => setRoot(root.includes('/') ? root.slice(0, root.lastIndexOf('/')) : '')}>
            Up
          </button>
        )}
      </figcaption>
      <div className="size-map-box" ref={box}>
      <svg width={width} height={height} role="img" aria-label={`Sizes under /${visibleText(root, true)}`}>
        {layout.map((node) => {
          const cell = node.data as Cell;
          const w = node.x1 - node.x0;
          const h = node.y1 - node.y0;
          return (
            <g key={cell.path} transform={`translate(${node.x0},${node.y0})`} onClick={() => cell.dir && setRoot(cell.path)} className={cell.dir ? 'dir' : 'file'}>
              <rect width={w} height={h} />
              <title>{`/${visibleText(cell.path, true)}: ${formatBytes(cell.bytes)}`}</title>
              {h > 14 && label(cell, w) && (
                <text x={4} y={12}>
                  {label(cell, w)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      </div>
    </figure>
  );
}
