// Progress while an image's layers download and index: a line per layer (bytes of its total, or "from cache"), and a
// Cancel that asks the host to stop. A file of its own: the files store subscribes to xray:progress once per module.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildApi, type EventChannel, type RequestChannel } from '../../../shared/contract.js';
import type { XrayProgress } from '../../../shared/xray.js';
import { setApi } from '../lib/api.js';
import { FilesView } from './FilesView.js';

describe('FilesView while layers are indexed', () => {
  it('shows each layer\'s bytes of its total or "from cache", and Cancel asks the host to stop', async () => {
    const listeners = new Map<EventChannel, (payload: unknown) => void>();
    const asked: [RequestChannel, unknown][] = [];
    setApi(
      buildApi({
        // xray:files never answers here: the view stays on its progress.
        invoke: (channel, args) => {
          asked.push([channel, args]);
          return channel === 'xray:cancel' ? Promise.resolve({ ok: true, value: { cancelled: true } }) : new Promise(() => undefined);
        },
        subscribe: (event, handler) => {
          listeners.set(event, handler);
          return () => listeners.delete(event);
        },
      }),
    );
    const target = { registryId: 'r', repository: 'app', reference: '1' };
    render(<FilesView target={target} />);
    await waitFor(() => expect(listeners.has('xray:progress')).toBe(true));
    const progress = (p: Omit<XrayProgress, 'target'>): void => listeners.get('xray:progress')?.({ target: 'r/app:1', ...p });
    progress({ layer: 0, bytes: 0, total: 0, done: true, cached: true });
    progress({ layer: 1, bytes: 1_500_000, total: 3_000_000, done: false, cached: false });
    const lines = (): string[] => [...screen.getByRole('list', { name: 'Layers being indexed' }).querySelectorAll('li')].map((li) => li.textContent ?? '');
    await waitFor(() => expect(lines()).toEqual(['Layer 1: from cache', 'Layer 2: 1.5 MB of 3.0 MB']));
    progress({ layer: 1, bytes: 3_000_000, total: 3_000_000, done: true, cached: false });
    await waitFor(() => expect(lines()[1]).toBe('Layer 2: 3.0 MB of 3.0 MB, indexed'));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(asked.at(-1)).toEqual(['xray:cancel', { target }]));
  });
});
