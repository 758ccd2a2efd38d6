import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { adoptSessionToken } from '../lib/session-token.js';
import { IMAGE_DRAG_TYPE, readDraggedTags, writeDraggedTags } from '../lib/image-drag.js';
import { useRegistries } from '../stores/registries.js';
import { initTransfers, useTransfers } from '../stores/transfers.js';
import { CopyDialog } from './CopyDialog.js';
import { ExportDialog } from './ExportDialog.js';
import { TransfersPanel } from './TransfersPanel.js';

const calls: { channel: RequestChannel; args: unknown }[] = [];

beforeEach(() => {
  calls.length = 0;
  setApi(
    buildApi({
      invoke: async (channel, args): Promise<Result<unknown>> => {
        calls.push({ channel, args });
        return { ok: true, value: { jobId: `job-${calls.length}` } };
      },
      subscribe: () => () => undefined,
    }),
  );
  const registry = (id: string, name: string) => ({ id, name, url: name, credentialSource: 'none' as const, insecure: false, concurrency: 4, bookmarks: [], hasSecret: false });
  useRegistries.setState({ list: [registry('staging', 'staging:5000'), registry('prod', 'prod:5000')], status: {} });
  useTransfers.setState({ jobs: {}, order: [], open: false });
});

const source = { registryId: 'staging', repository: 'team/app', reference: '1.0', platforms: ['linux/amd64', 'linux/arm64'] };

describe('Copy to…', () => {
  it('prefills the other registry, the repository and tag, and copies every platform by default', async () => {
    let closed = false;
    render(<CopyDialog source={source} onClose={() => (closed = true)} />);
    expect((screen.getByLabelText('Target registry') as HTMLSelectElement).value).toBe('prod');
    expect((screen.getByLabelText('Target repository') as HTMLInputElement).value).toBe('team/app');
    expect((screen.getByLabelText('Target tag') as HTMLInputElement).value).toBe('1.0');
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(calls).toEqual([{ channel: 'copy:start', args: { registryId: 'staging', repository: 'team/app', reference: '1.0', targetRegistryId: 'prod', targetRepository: 'team/app', targetTag: '1.0', referrers: false } }]);
    const job = useTransfers.getState().jobs['job-1'];
    expect(job?.view.kind).toBe('copy');
    expect(job?.link).toEqual({ registryId: 'prod', repository: 'team/app', reference: '1.0' });
    expect(useTransfers.getState().open).toBe(true);
    // A failed copy starts again with the same arguments.
    await useTransfers.getState().startAgain(job!);
    expect(calls[1]).toEqual({ channel: 'copy:start', args: calls[0]?.args });
    expect(useTransfers.getState().jobs['job-2']?.view.kind).toBe('copy');
  });

  it('prefills a registry that is not known to be down, ahead of one that failed (Docker Hub offline)', () => {
    const registry = (id: string, name: string) => ({ id, name, url: name, credentialSource: 'none' as const, insecure: false, concurrency: 4, bookmarks: [], hasSecret: false });
    useRegistries.setState({
      list: [registry('hub', 'Docker Hub'), registry('staging', 'staging:5000'), registry('prod', 'prod:5000')],
      status: { hub: { ok: false, code: 'NETWORK', message: 'cannot resolve registry-1.docker.io' }, staging: { ok: true }, prod: { ok: true } },
    });
    render(<CopyDialog source={source} onClose={() => undefined} />);
    expect((screen.getByLabelText('Target registry') as HTMLSelectElement).value).toBe('prod');
  });

  it('copies one platform when chosen', async () => {
    render(<CopyDialog source={source} onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Platforms to copy'), { target: { value: 'linux/arm64' } });
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(calls.length).toBe(1));
    expect((calls[0]?.args as { platform?: string }).platform).toBe('linux/arm64');
  });
});

describe('Export…', () => {
  it('exports the platform on screen as a docker-archive, or the whole index as an oci-archive', async () => {
    render(<ExportDialog source={source} current="linux/arm64" onClose={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(calls.length).toBe(1));
    expect(calls[0]?.args).toEqual({ registryId: 'staging', repository: 'team/app', reference: '1.0', path: 'team_app_1.0.tar', format: 'docker-archive', platform: 'linux/arm64' });
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'oci-archive' } });
    fireEvent.change(screen.getByLabelText('Platform to export'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(calls.length).toBe(2));
    expect(calls[1]?.args).toEqual({ registryId: 'staging', repository: 'team/app', reference: '1.0', path: 'team_app_1.0.tar', format: 'oci-archive' });
    // In a browser, the same export can stream straight to a download.
    expect(screen.getByRole('link', { name: 'Download in the browser' }).getAttribute('href')).toBe('/export?registryId=staging&repository=team%2Fapp&reference=1.0&format=oci-archive');
    expect(screen.queryByRole('button', { name: 'Choose where to save…' })).toBeNull();
  });

  it('switching to oci-archive exports every platform unless another was picked; back to docker-archive, the one on screen', async () => {
    render(<ExportDialog source={source} current="linux/arm64" onClose={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'oci-archive' } });
    expect((screen.getByLabelText('Platform to export') as HTMLSelectElement).value).toBe('');
    expect(screen.getByRole('link', { name: 'Download in the browser' }).getAttribute('href')).toBe('/export?registryId=staging&repository=team%2Fapp&reference=1.0&format=oci-archive');
    fireEvent.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(calls.length).toBe(1));
    expect(calls[0]?.args).toEqual({ registryId: 'staging', repository: 'team/app', reference: '1.0', path: 'team_app_1.0.tar', format: 'oci-archive' });
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'docker-archive' } });
    expect((screen.getByLabelText('Platform to export') as HTMLSelectElement).value).toBe('linux/arm64');
    // A platform picked on purpose stays picked across the format.
    fireEvent.change(screen.getByLabelText('Platform to export'), { target: { value: 'linux/amd64' } });
    fireEvent.change(screen.getByLabelText('Export format'), { target: { value: 'oci-archive' } });
    expect((screen.getByLabelText('Platform to export') as HTMLSelectElement).value).toBe('linux/amd64');
  });

  it('in the desktop app, the native save dialog chooses the file (Electron stands in: it cannot run here)', async () => {
    const suggested: string[] = [];
    const answers: (string | undefined)[] = [undefined, '/home/me/Downloads/app.tar'];
    vi.stubGlobal('stevedoreDesktop', {
      chooseExportFile: (name: string) => {
        suggested.push(name);
        return Promise.resolve(answers.shift());
      },
    });
    try {
      render(<ExportDialog source={source} current="linux/arm64" onClose={() => undefined} />);
      expect(screen.queryByRole('link', { name: 'Download in the browser' })).toBeNull();
      const choose = screen.getByRole('button', { name: 'Choose where to save…' });
      fireEvent.click(choose);
      await waitFor(() => expect(suggested).toEqual(['team_app_1.0.tar']));
      // Cancelled: the name stays.
      expect((screen.getByLabelText('Export file') as HTMLInputElement).value).toBe('team_app_1.0.tar');
      fireEvent.click(choose);
      await waitFor(() => expect((screen.getByLabelText('Export file') as HTMLInputElement).value).toBe('/home/me/Downloads/app.tar'));
      fireEvent.click(screen.getByRole('button', { name: 'Export' }));
      await waitFor(() => expect(calls.length).toBe(1));
      expect((calls[0]?.args as { path: string }).path).toBe('/home/me/Downloads/app.tar');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Download in the browser', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows the download as an export job in the transfers panel, down to its error line', async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    setApi(
      buildApi({
        invoke: async (channel, args): Promise<Result<unknown>> => {
          calls.push({ channel, args });
          return { ok: true, value: [] };
        },
        subscribe: (channel, handler) => {
          handlers.set(channel, handler as (payload: unknown) => void);
          return () => undefined;
        },
      }),
    );
    await initTransfers();
    adoptSessionToken({ location: { href: 'http://127.0.0.1:1/?token=test-token' }, history: { state: null, replaceState: () => undefined } });
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (path: string) => {
      posted.push(path);
      return new Response(JSON.stringify({ url: '/export?ticket=t1', jobId: 'download-1' }), { status: 201 });
    });
    const navigated = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    let closed = false;
    render(<ExportDialog source={source} current="linux/arm64" onClose={() => (closed = true)} />);
    fireEvent.click(screen.getByRole('link', { name: 'Download in the browser' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(posted).toEqual(['/export?registryId=staging&repository=team%2Fapp&reference=1.0&format=docker-archive&platform=linux%2Farm64']);
    expect(navigated).toHaveBeenCalledOnce();
    const job = useTransfers.getState().jobs['download-1'];
    expect(job?.view).toMatchObject({ kind: 'export', state: 'running', archive: 'team/app:1.0' });
    expect(useTransfers.getState().open).toBe(true);
    // The host's events for that job: bytes as they go, then the failure with its one line.
    const layer = { id: 'l', kind: 'layer' as const, action: 'upload' as const, state: 'uploading' as const, bytesDone: 5, bytesTotal: 10, bytesSent: 5, digest: `sha256:${'a'.repeat(64)}` };
    handlers.get('push:progress')?.({ type: 'plan', jobId: 'download-1', target: 'x', blobs: [layer] });
    const message = 'layer sha256:bb of staging/team/app:1.0: uncompressed content hashes to sha256:cc, not the config\'s diff_id sha256:dd';
    handlers.get('push:finished')?.({ ...job?.view, state: 'failed', error: { code: 'DIGEST_MISMATCH', message } });
    render(<TransfersPanel />);
    expect(screen.getByText(message, { exact: false })).toBeTruthy();
    expect(screen.getByText('DIGEST_MISMATCH')).toBeTruthy();
    expect(useTransfers.getState().jobs['download-1']?.blobs.l?.bytesDone).toBe(5);
    navigated.mockRestore();
  });
});

describe('dragging tags onto a registry', () => {
  it('carries the tags, refuses foreign drags, and copies each tag under its own name', async () => {
    const store = new Map<string, string>();
    const data = { setData: (k: string, v: string) => void store.set(k, v), getData: (k: string) => store.get(k) ?? '', effectAllowed: '' } as unknown as DataTransfer;
    writeDraggedTags(data, { registryId: 'staging', repository: 'team/app', tags: ['1.0', '1.1'] });
    expect(readDraggedTags(data)).toEqual({ registryId: 'staging', repository: 'team/app', tags: ['1.0', '1.1'] });
    store.set(IMAGE_DRAG_TYPE, '{"registryId":1}');
    expect(readDraggedTags(data)).toBeUndefined();

    render(<CopyDialog source={{ ...source, tags: ['1.0', '1.1'], platforms: [] }} target="prod" onClose={() => undefined} />);
    expect(screen.queryByLabelText('Target tag')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(calls.length).toBe(2));
    expect(calls.map((c) => [(c.args as { reference: string }).reference, (c.args as { targetTag: string }).targetTag])).toEqual([
      ['1.0', '1.0'],
      ['1.1', '1.1'],
    ]);
  });
});
