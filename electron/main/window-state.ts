// Window size and position remembered between runs, kept on a visible display.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readRegularBytesSync } from '../core/regular-file.js';

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

/** A saved position or size: a whole number of pixels a screen could have (a file edited by hand may say anything). */
const isPixels = (value: unknown, min: number): value is number => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= 1_000_000;

/**
 * The bounds saved last time, or the default for a missing, unreadable or malformed file (or a symlink: only this program writes it): only whole numbers within
 * reason reach fitToDisplays and the window (a string's `x + 100` concatenates, a fraction or 1e300 is no position).
 */
export function loadBounds(path: string): WindowBounds {
  try {
    const value = JSON.parse(readRegularBytesSync(path, 'window state', { maxBytes: 64 * 1024, noFollow: true }).toString('utf8')) as Record<string, unknown> | null;
    if (typeof value !== 'object' || value === null || !isPixels(value.width, 1) || !isPixels(value.height, 1)) return DEFAULT_BOUNDS;
    const placed = isPixels(value.x, -1_000_000) && isPixels(value.y, -1_000_000);
    return { width: value.width, height: value.height, ...(placed ? { x: value.x as number, y: value.y as number } : {}), ...(value.maximized === true ? { maximized: true } : {}) };
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export function saveBounds(path: string, bounds: WindowBounds): void {
  // A temporary name nobody can plant a symlink at in advance, and never written through.
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(bounds), { flag: 'wx', mode: 0o600 });
    renameSync(temp, path);
  } catch {
    // losing the window position is not worth an error
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written
    }
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
