// Ctrl/Cmd+K from the start screen finds repositories in every saved registry and says which registry holds each.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildApi, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { useCatalog } from '../stores/catalog.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { CommandPalette } from './CommandPalette.js';
import { walkCatalog } from './palette-catalogs.js';

const registry = (id: string, name: string) => ({ id, name, url: `${id}.example`, credentialSource: 'none' as const, insecure: false, concurrency: 4, bookmarks: [], hasSecret: false });

describe('CommandPalette', () => {
  beforeEach(() => {
    useRegistries.setState({ list: [registry('staging', 'Staging'), registry('prod', 'Prod')] });
    useCatalog.setState({ registryId: undefined, repositories: [] });
    useNav.setState({ route: { view: 'home' } });
  });

  it('searches the cached catalog of one registry and asks another that has none, naming the registry of each hit', async () => {
    const asked: string[] = [];
    setApi(
      buildApi({
        invoke: async (channel, args): Promise<Result<unknown>> => {
          const { registryId } = args as { registryId: string };
          asked.push(`${channel} ${registryId}`);
          if (channel === 'catalog:cached') return { ok: true, value: registryId === 'staging' ? { items: ['team/api', 'team/web'], total: 2, savedAt: '2026-01-01T00:00:00Z' } : { items: [], total: 0 } };
          if (channel === 'catalog:list') return { ok: true, value: { items: registryId === 'prod' ? ['team/worker'] : [] } };
          return { ok: false, error: { code: 'INTERNAL', message: channel } };
        },
        subscribe: () => () => undefined,
      }),
    );
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByRole('combobox', { name: 'Go to' }), { target: { value: 'team/w' } });
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['repository team/web in Staging', 'repository team/worker in Prod']));
    expect(asked).not.toContain('catalog:list staging');
    expect(asked).toContain('catalog:list prod');
    fireEvent.click(screen.getByText('team/web'));
    expect(useNav.getState().route).toEqual({ view: 'repository', registryId: 'staging', repository: 'team/web' });
  });

  it('walks a whole uncached catalog while showing matches and how many names so far', async () => {
    // 5,000 names in pages of 1,000; the fourth page waits until the test lets it go.
    const names = Array.from({ length: 5_000 }, (_, i) => `team/service-${String(i).padStart(4, '0')}`);
    const cursors: (string | undefined)[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    setApi(
      buildApi({
        invoke: async (channel, args): Promise<Result<unknown>> => {
          const { registryId, cursor, pageSize } = args as { registryId: string; cursor?: string; pageSize?: number };
          if (channel === 'catalog:cached') return { ok: true, value: { items: [], total: 0 } };
          if (channel === 'catalog:list' && registryId === 'prod') {
            cursors.push(cursor);
            const from = cursor ? names.indexOf(cursor) + 1 : 0;
            if (from === 3_000) await held;
            const items = names.slice(from, from + (pageSize ?? 100));
            const last = items[items.length - 1];
            return { ok: true, value: { items, ...(last && from + items.length < names.length ? { next: last } : {}) } };
          }
          if (channel === 'catalog:list') return { ok: true, value: { items: [] } };
          return { ok: false, error: { code: 'INTERNAL', message: channel } };
        },
        subscribe: () => () => undefined,
      }),
    );
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByRole('combobox', { name: 'Go to' }), { target: { value: 'service-2999' } });
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['repository team/service-2999 in Prod']));
    await waitFor(() => expect(screen.getByTestId('palette-walk').textContent).toBe('Searching… 3,000 names so far Stop'));
    release();
    fireEvent.change(screen.getByRole('combobox', { name: 'Go to' }), { target: { value: 'service-4999' } });
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['repository team/service-4999 in Prod']));
    // The whole catalog came: nothing partial to say.
    expect(screen.queryByTestId('palette-walk')).toBeNull();
    expect(cursors).toHaveLength(5);
  });

  it('stops a walk on request and says the search was partial', async () => {
    let asked = 0;
    setApi(
      buildApi({
        invoke: async (channel, args): Promise<Result<unknown>> => {
          const { registryId, cursor } = args as { registryId: string; cursor?: string };
          if (channel === 'catalog:cached') return { ok: true, value: { items: [], total: 0 } };
          if (channel === 'catalog:list' && registryId === 'prod') {
            asked += 1;
            // The second page never comes on its own.
            if (cursor) await new Promise(() => undefined);
            return { ok: true, value: { items: ['team/first'], next: 'team/first' } };
          }
          if (channel === 'catalog:list') return { ok: true, value: { items: [] } };
          return { ok: false, error: { code: 'INTERNAL', message: channel } };
        },
        subscribe: () => () => undefined,
      }),
    );
    render(<CommandPalette />);
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    await waitFor(() => expect(screen.getByTestId('palette-walk').textContent).toBe('Stopped: searched 1 names, not whole catalogs.'));
    expect(asked).toBe(2);
  });
});

/** A catalog of one name a page (`r/0`, `r/1`, …), `pages` long; `onPage` hears each page asked. */
function oneNamePages(pages: number, onPage: (n: number) => void = () => undefined): void {
  setApi(
    buildApi({
      invoke: async (channel, args): Promise<Result<unknown>> => {
        if (channel === 'catalog:cached') return { ok: true, value: { items: [], total: 0 } };
        const { cursor } = args as { cursor?: string };
        const n = cursor ? Number(cursor) + 1 : 0;
        onPage(n);
        return { ok: true, value: { items: [`r/${n}`], ...(n + 1 < pages ? { next: String(n) } : {}) } };
      },
      subscribe: () => () => undefined,
    }),
  );
}

describe('walkCatalog', () => {
  it('shows a catalog of one-name pages a few times, not once per page, and ends with every name', async () => {
    const PAGES = 3_000;
    oneNamePages(PAGES);
    const steps: { names: number; done: boolean; pages: number }[] = [];
    await walkCatalog('hostile', new AbortController().signal, (pages, names, done) => steps.push({ names, done, pages: pages.length }), 1);
    const last = steps[steps.length - 1];
    expect(last).toEqual({ names: PAGES, done: true, pages: PAGES });
    // One step per SHOW_EVERY_MS at most, plus the first and the last: far fewer than the pages.
    expect(steps.length).toBeLessThan(PAGES / 10);
  });

  it('shows what came before it stops, when stopped between steps', async () => {
    const walk = new AbortController();
    // Stopped while the fifth page is asked: the four before it were all shown.
    oneNamePages(Infinity, (n) => {
      if (n === 4) walk.abort();
    });
    const steps: number[] = [];
    await expect(walkCatalog('slow', walk.signal, (_pages, names) => steps.push(names), 1)).rejects.toBeDefined();
    expect(steps[steps.length - 1]).toBeGreaterThanOrEqual(4);
  });
});
