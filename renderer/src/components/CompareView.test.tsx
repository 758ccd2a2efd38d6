// The compare view shows two kinds of size: layers as pulled (compressed) and files inside them (uncompressed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi, type Result } from '../../../shared/contract.js';
import type { LayerComparison } from '../../../shared/compare.js';
import { setApi } from '../lib/api.js';
import { useCompare } from '../stores/compare.js';
import { useNav } from '../stores/nav.js';
import { CompareView } from './CompareView.js';

const comparison: LayerComparison = {
  images: [
    { label: 'app:1', digest: 'sha256:1', totalSize: 603_000, sharedBytes: 600_000, uniqueBytes: 3_000 },
    { label: 'app:2', digest: 'sha256:2', totalSize: 1_000_000, sharedBytes: 600_000, uniqueBytes: 400_000 },
  ],
  layers: [{ digest: `sha256:${'a'.repeat(64)}`, size: 600_000, presentIn: [true, true] }],
  pull: [[0, 400_000], [3_000, 0]],
};

describe('CompareView', () => {
  afterEach(() => {
    useNav.setState({ route: { view: 'home' }, history: [] });
    useCompare.setState({ picks: [], result: undefined, loading: false, error: undefined });
  });

  it('offers Clear only when there is something to clear', () => {
    render(<CompareView />);
    expect(screen.getByText(/Pick two or more tags/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Clear' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('labels the layer sizes as compressed and the files as uncompressed', async () => {
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'compare:images' ? { ok: true, value: comparison } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    useCompare.setState({ picks: [{ registryId: 'r', repository: 'app', reference: '1' }, { registryId: 'r', repository: 'app', reference: '2' }], result: undefined, loading: false, error: undefined });
    render(<CompareView />);
    expect((await screen.findByRole('heading', { name: /Image sizes/ })).textContent).toContain('compressed, as pulled');
    expect(screen.getByRole('heading', { name: /Bytes to pull/ }).textContent).toContain('compressed');
    expect(screen.getByRole('columnheader', { name: /^Size/ }).textContent).toContain('compressed');
    expect(screen.getByRole('button', { name: /Files changed/ }).textContent).toContain('files, uncompressed');
  });

  it('lays the bytes-to-pull matrix out as a table (no other view\'s class turns it into a flex column)', async () => {
    // Vitest runs from the repository's root (renderer/vite.config.ts: test.root).
    const style = document.createElement('style');
    style.textContent = readFileSync(join(process.cwd(), 'renderer', 'src', 'styles.css'), 'utf8');
    document.head.append(style);
    try {
      setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'compare:images' ? { ok: true, value: comparison } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
      useCompare.setState({ picks: [{ registryId: 'r', repository: 'app', reference: '1' }, { registryId: 'r', repository: 'app', reference: '2' }], result: undefined, loading: false, error: undefined });
      render(<CompareView />);
      const matrix = (await screen.findByTestId('pull-0-1')).closest('table');
      expect(matrix).toBeTruthy();
      expect(getComputedStyle(matrix as HTMLTableElement).display).toBe('table');
    } finally {
      style.remove();
    }
  });

  it('after a reload compares the images its route names, and a removal updates the route', async () => {
    const asked: unknown[] = [];
    setApi(buildApi({ invoke: async (channel, args): Promise<Result<unknown>> => (channel === 'compare:images' ? (asked.push(args), { ok: true, value: comparison }) : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    // A reloaded page: nothing picked in memory, the route alone names the images.
    const picks = [{ registryId: 'r', repository: 'app', reference: '1' }, { registryId: 'r', repository: 'app', reference: '2', platform: 'linux/arm64' }];
    useNav.setState({ route: { view: 'compare', picks }, history: [] });
    render(<CompareView />);
    expect(await screen.findByTestId('shared-1')).toBeTruthy();
    expect(asked).toEqual([{ images: picks }]);
    expect(screen.getByText(/app:2 \(linux\/arm64\)/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove app:1' }));
    expect(useNav.getState().route).toEqual({ view: 'compare', picks: [picks[1]] });
  });

  it('takes what was picked into a route that names no images', () => {
    const picks = [{ registryId: 'r', repository: 'app', reference: '1' }];
    useCompare.setState({ picks });
    useNav.setState({ route: { view: 'compare' }, history: [] });
    render(<CompareView />);
    expect(useNav.getState().route).toEqual({ view: 'compare', picks });
  });
});
