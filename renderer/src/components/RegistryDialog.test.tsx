import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
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
});
