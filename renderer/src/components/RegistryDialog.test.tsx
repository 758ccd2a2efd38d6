import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { buildApi, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { useNav } from '../stores/nav.js';
import { registryHost } from '../../../shared/registry-profile.js';
import { useRegistries } from '../stores/registries.js';
import { RegistryDialog } from './RegistryDialog.js';

const team = { id: 'team', name: 'Team', url: 'http://127.0.0.1:5000', credentialSource: 'docker-config', insecure: false, concurrency: 4, bookmarks: [], hasSecret: false } as const;

describe('RegistryDialog: one entry per registry', () => {
  it('tells registries apart by host and port, whatever the scheme, case, path or Docker Hub alias', () => {
    expect(registryHost('https://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    expect(registryHost('registry-1.docker.io')).toBe(registryHost('docker.io'));
    expect(registryHost('127.0.0.1:5000')).not.toBe(registryHost('127.0.0.1:5001'));
  });

  it('says an address is already there, saves nothing, and offers to edit that entry', () => {
    useRegistries.setState({ list: [team] });
    const onEdit = vi.fn();
    render(<RegistryDialog onClose={() => undefined} onEdit={onEdit} />);
    const save = screen.getByRole('button', { name: 'Save and test connection' }) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText('Registry address'), { target: { value: '127.0.0.1:5001' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(save.disabled).toBe(false);
    fireEvent.change(screen.getByLabelText('Registry address'), { target: { value: '127.0.0.1:5000/' } });
    expect(screen.getByRole('alert').textContent).toContain('127.0.0.1:5000 is already in your registries as Team');
    expect(save.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Edit Team instead' }));
    expect(onEdit).toHaveBeenCalledWith(team);
  });

  it('edits an entry without calling it a duplicate of itself', () => {
    useRegistries.setState({ list: [team] });
    render(<RegistryDialog existing={team} onClose={() => undefined} />);
    expect(screen.queryByRole('alert')).toBeNull();
    expect((screen.getByRole('button', { name: 'Save and test connection' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('opens a registry just added (its catalog), and leaves the view alone after an edit', async () => {
    const added = { ...team, id: 'new-one', name: 'Local', url: '127.0.0.1:5001' };
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'registries:check' ? { ok: true, value: { ok: true, auth: 'none' } } : channel === 'registries:save' ? { ok: true, value: added } : channel === 'registries:test' ? { ok: true, value: { ok: true } } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    useRegistries.setState({ list: [team] });
    useNav.setState({ route: { view: 'home' }, history: [] });
    const onClose = vi.fn();
    const { unmount } = render(<RegistryDialog onClose={onClose} />);
    fireEvent.change(screen.getByLabelText('Registry address'), { target: { value: '127.0.0.1:5001' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save and test connection' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(useNav.getState().route).toEqual({ view: 'catalog', registryId: 'new-one' });
    unmount();
    useNav.setState({ route: { view: 'home' }, history: [] });
    const closed = vi.fn();
    render(<RegistryDialog existing={added} onClose={closed} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save and test connection' }));
    await waitFor(() => expect(closed).toHaveBeenCalled());
    expect(useNav.getState().route).toEqual({ view: 'home' });
  });
});
