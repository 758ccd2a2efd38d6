// Window size and position remembered between runs, kept on a visible display.
import { renameSync, writeFileSync } from 'node:fs';
import { readRegularFileSync } from '../core/regular-file.js';

export interface WindowBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized?: boolean;
}

export interface Area {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 820 };

export function loadBounds(path: string): WindowBounds {
  try {
    const value = JSON.parse(readRegularFileSync(path, 'window state', 64 * 1024)) as Partial<WindowBounds>;
    if (typeof value.width !== 'number' || typeof value.height !== 'number') return DEFAULT_BOUNDS;
    return value as WindowBounds;
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export function saveBounds(path: string, bounds: WindowBounds): void {
  try {
    writeFileSync(`${path}.tmp`, JSON.stringify(bounds));
    renameSync(`${path}.tmp`, path);
  } catch {
    // losing the window position is not worth an error
  }
}

/** Drops a saved position that no display shows any more (a monitor unplugged), and keeps the size on screen. */
export function fitToDisplays(bounds: WindowBounds, displays: readonly Area[]): WindowBounds {
  const largest = displays.reduce<Area | undefined>((best, d) => (!best || d.width * d.height > best.width * best.height ? d : best), undefined);
  const width = Math.max(640, Math.min(bounds.width, largest?.width ?? bounds.width));
  const height = Math.max(480, Math.min(bounds.height, largest?.height ?? bounds.height));
  if (bounds.x === undefined || bounds.y === undefined) return { width, height, ...(bounds.maximized ? { maximized: true } : {}) };
  const { x, y } = bounds;
  const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
  return visible ? { x, y, width, height, ...(bounds.maximized ? { maximized: true } : {}) } : { width, height };
}
