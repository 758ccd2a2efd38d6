import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { IMAGE_DRAG_TYPE, readDraggedTags, writeDraggedTags } from '../lib/image-drag.js';
import { useRegistries } from '../stores/registries.js';
import { useTransfers } from '../stores/transfers.js';
import { CopyDialog } from './CopyDialog.js';
import { ExportDialog } from './ExportDialog.js';

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
  useRegistries.setState({ list: [registry('staging', 'staging:5000'), registry('prod', 'prod:5000')] });
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
