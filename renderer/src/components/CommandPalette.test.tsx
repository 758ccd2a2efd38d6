// Ctrl/Cmd+K from the start screen finds repositories in every saved registry and says which registry holds each.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildApi, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { useCatalog } from '../stores/catalog.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { CommandPalette } from './CommandPalette.js';

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
});
