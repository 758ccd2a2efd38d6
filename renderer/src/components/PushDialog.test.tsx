import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ArchiveInspection } from '../../../shared/archive.js';
import { buildApi, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { initTransfers, useTransfers } from '../stores/transfers.js';
import { PushDialog } from './PushDialog.js';

const registry = (id: string, name: string) => ({ id, name, url: name, credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [], hasSecret: false }) as const;
const inspection = (names: string[]): ArchiveInspection => ({
  path: '/a.tar',
  format: 'docker-archive',
  gzipped: false,
  images: [{ id: 0, names, kind: 'manifest', platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, config: { entry: 'c', digest: 'sha256:c', size: 1, mediaType: 'm' }, layers: [] }] }],
});

describe('PushDialog', () => {
  it('targets the registry and repository being browsed when the archive names none', () => {
    useRegistries.setState({ list: [registry('hub', 'Docker Hub'), registry('local', 'Local')] });
    useNav.setState({ route: { view: 'repository', registryId: 'local', repository: 'team/app' } });
    useTransfers.setState({ drops: [{ id: 1, name: 'a.tar', state: 'ready', path: '/a.tar', inspection: inspection([]) }] });
    render(<PushDialog />);
    expect((screen.getByLabelText('Target registry') as HTMLSelectElement).value).toBe('local');
    expect((screen.getByLabelText('Target repository') as HTMLInputElement).value).toBe('team/app');
  });

  it('pushes every tag the archive holds, one after another', async () => {
    const started: string[] = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    setApi(
      buildApi({
        invoke: (channel, args): Promise<Result<unknown>> => {
          if (channel === 'push:start') {
            started.push((args as { tag: string }).tag);
            return Promise.resolve({ ok: true, value: { jobId: `job-${started.length}` } });
          }
          return Promise.resolve({ ok: true, value: [] });
        },
        subscribe: (event, handler) => {
          listeners.set(event, handler);
          return () => listeners.delete(event);
        },
      }),
    );
    await initTransfers();
    useRegistries.setState({ list: [registry('local', 'Local')] });
    useNav.setState({ route: { view: 'catalog', registryId: 'local' } });
    useTransfers.setState({ drops: [{ id: 2, name: 'b.tar', state: 'ready', path: '/b.tar', inspection: inspection(['x/y:1.0', 'x/y:latest']) }] });
    render(<PushDialog />);
    expect((screen.getByLabelText('Target tag') as HTMLInputElement).value).toBe('1.0, latest');
    fireEvent.click(screen.getByRole('button', { name: 'Push 2 tags' }));
    await vi.waitFor(() => expect(started).toEqual(['1.0']));
    listeners.get('push:finished')?.({ jobId: 'job-1', target: 'x/y:1.0', archive: '/b.tar', state: 'pushed', startedAt: '2026-01-01T00:00:00Z' });
    await vi.waitFor(() => expect(started).toEqual(['1.0', 'latest']));
  });

  it('names each platform with its variant, as the archive has it', () => {
    useRegistries.setState({ list: [registry('local', 'Local')] });
    const multi = inspection(['x/multi:1']);
    const image = multi.images[0]!;
    const arm = { ...image.platforms[0]!, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    useTransfers.setState({ drops: [{ id: 3, name: 'm.tar', state: 'ready', path: '/m.tar', inspection: { ...multi, images: [{ ...image, platforms: [image.platforms[0]!, arm] }] } }] });
    render(<PushDialog />);
    expect(screen.getByText(/linux\/amd64, linux\/arm64\/v8 ·/)).toBeTruthy();
  });

  it('counts a layer the platforms share once, in the layers and the bytes stored', () => {
    useRegistries.setState({ list: [registry('local', 'Local')] });
    const layer = (c: string, size: number) => ({ entry: `blobs/sha256/${c}`, size, compression: 'gzip' as const, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', diffId: `sha256:${c.repeat(64)}`, digest: `sha256:${c.toUpperCase().repeat(64)}` });
    const multi = inspection(['x/multi:1']);
    const image = multi.images[0]!;
    const amd = { ...image.platforms[0]!, layers: [layer('a', 20_245), layer('b', 200_355)] };
    const arm = { ...image.platforms[0]!, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [layer('a', 20_245), layer('c', 180_200)] };
    useTransfers.setState({ drops: [{ id: 4, name: 'm.tar', state: 'ready', path: '/m.tar', inspection: { ...multi, images: [{ ...image, kind: 'index', platforms: [amd, arm] }] } }] });
    render(<PushDialog />);
    expect(screen.getByText(/· 3 layers · 401 kB stored \(0 to compress\)/)).toBeTruthy();
  });

  it('shows the archive\'s image names with their control and bidi characters escaped', () => {
    useRegistries.setState({ list: [registry('local', 'Local')] });
    useNav.setState({ route: { view: 'catalog', registryId: 'local' } });
    // "x/app:1\u202egnp.exe" would read as "x/app:1exe.png"; a line break would start a line of its own.
    useTransfers.setState({ drops: [{ id: 3, name: 'c.tar', state: 'ready', path: '/c.tar', inspection: inspection(['x/app:1\u202egnp.exe', 'x/app:2\nforged']) }] });
    const { container } = render(<PushDialog />);
    expect(container.querySelector('.push-image strong')?.textContent).toBe('x/app:1\\u202egnp.exe, x/app:2\\x0aforged');
  });

  it('closes with its close button or Esc (every drop dismissed), focus back on the button that opened it', () => {
    useRegistries.setState({ list: [registry('local', 'Local')] });
    useNav.setState({ route: { view: 'catalog', registryId: 'local' } });
    const opener = document.createElement('button');
    opener.textContent = 'Push tarball…';
    document.body.append(opener);
    try {
      for (const how of ['button', 'Escape'] as const) {
        opener.focus();
        useTransfers.setState({ drops: [{ id: 4, name: 'd.tar', state: 'ready', path: '/d.tar', inspection: inspection(['x/d:1']) }, { id: 5, name: 'e.tar', state: 'uploading' }] });
        const { unmount } = render(<PushDialog />);
        const drawer = screen.getByRole('complementary', { name: 'Push tarballs' });
        expect(drawer.contains(document.activeElement)).toBe(true);
        if (how === 'button') fireEvent.click(screen.getByRole('button', { name: 'Close push tarballs' }));
        else fireEvent.keyDown(screen.getByLabelText('Target repository'), { key: 'Escape' });
        expect(useTransfers.getState().drops).toEqual([]);
        expect(screen.queryByRole('complementary', { name: 'Push tarballs' })).toBeNull();
        expect(document.activeElement).toBe(opener);
        unmount();
      }
    } finally {
      opener.remove();
    }
  });
});

describe('PushDialog while a browser uploads the tarball', () => {
  it('shows how much of the file the web host has, not "Loading the file…" for minutes, from the upload\'s own progress', async () => {
    useTransfers.setState({ drops: [] });
    let report: ((sent: number, total: number) => void) | undefined;
    let finish: (path: string) => void = () => undefined;
    const added = useTransfers.getState().addDrop('big.tar', (progress) => {
      report = progress;
      return new Promise<string>((resolve) => (finish = resolve));
    });
    render(<PushDialog />);
    expect(screen.getByText('Loading the file…')).toBeTruthy();
    act(() => report?.(45_100_000, 167_000_000));
    expect(screen.getByText('Sending the file to the web host (not pushed yet): 45.1 MB of 167 MB')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'sent to the web host' }).getAttribute('aria-valuenow')).toBe('27');
    setApi(buildApi({ invoke: () => new Promise<Result<unknown>>(() => undefined), subscribe: () => () => undefined }));
    finish('/uploads/big.tar');
    await act(async () => undefined);
    expect(screen.queryByText(/Sending the file to the web host/)).toBeNull();
    void added;
  });

  it('stops the upload when its drop is dismissed, and when the drawer is closed', async () => {
    useTransfers.setState({ drops: [] });
    const signals: AbortSignal[] = [];
    const upload = (progress: (sent: number, total: number) => void, signal: AbortSignal): Promise<string> => {
      signals.push(signal);
      progress(1, 10);
      return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
    };
    void useTransfers.getState().addDrop('one.tar', upload);
    void useTransfers.getState().addDrop('two.tar', upload);
    render(<PushDialog />);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss one.tar' }));
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    fireEvent.click(screen.getByRole('button', { name: 'Close push tarballs' }));
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    await act(async () => undefined);
    expect(useTransfers.getState().drops).toEqual([]);
  });
});
