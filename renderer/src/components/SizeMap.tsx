// A treemap of one directory of the merged filesystem, each rectangle sized by the bytes under it; clicking a
// directory zooms into it.
import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { useMemo, useState } from 'react';
import type { MergedFile } from '../../../shared/xray.js';
import { formatBytes } from '../../../shared/format.js';

const WIDTH = 640;
const HEIGHT = 220;

interface Cell {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly dir: boolean;
}

export function SizeMap({ files }: { readonly files: readonly MergedFile[] }) {
  const [root, setRoot] = useState('');
  const cells = useMemo(() => {
    const prefix = root === '' ? '' : `${root}/`;
    const out: Cell[] = [];
    for (const f of files) {
      if (!f.path.startsWith(prefix) || f.path.slice(prefix.length).includes('/') || f.bytes <= 0) continue;
      out.push({ path: f.path, name: f.path.slice(prefix.length), bytes: f.bytes, dir: f.kind === 'dir' });
    }
    return out;
  }, [files, root]);
  const layout = useMemo(() => {
    const tree = hierarchy<{ children?: Cell[] } | Cell>({ children: cells }, (d) => ('children' in d ? d.children : undefined)).sum((d) => ('bytes' in d ? d.bytes : 0));
    return treemap<{ children?: Cell[] } | Cell>().tile(treemapSquarify).size([WIDTH, HEIGHT]).padding(1)(tree).leaves();
  }, [cells]);
  return (
    <figure className="size-map" aria-label="Size map">
      <figcaption>
        Size map of /{root}{' '}
        {root !== '' && (
          <button type="button" onClick={() => setRoot(root.includes('/') ? root.slice(0, root.lastIndexOf('/')) : '')}>
            Up
          </button>
        )}
      </figcaption>
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`Sizes under /${root}`}>
        {layout.map((node) => {
          const cell = node.data as Cell;
          const w = node.x1 - node.x0;
          const h = node.y1 - node.y0;
          return (
            <g key={cell.path} transform={`translate(${node.x0},${node.y0})`} onClick={() => cell.dir && setRoot(cell.path)} className={cell.dir ? 'dir' : 'file'}>
              <rect width={w} height={h} />
              <title>{`/${cell.path}: ${formatBytes(cell.bytes)}`}</title>
              {w > 50 && h > 14 && (
                <text x={4} y={12}>
                  {cell.name} {formatBytes(cell.bytes)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
