import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import type { MergedFile, WasteReport, XrayFilesView } from '../../../shared/xray.js';
import { useApi } from '../lib/api.js';
import { treeOrder, visibleRows } from './file-tree.js';
import { FilesView } from './FilesView.js';

const f = (path: string, kind: MergedFile['kind'], bytes: number): MergedFile => ({ path, kind, size: kind === 'dir' ? 0 : bytes, bytes, mode: 0o644, uid: 0, gid: 0, layer: 0 });
const files = [f('usr', 'dir', 300), f('usr/lib', 'dir', 300), f('usr/lib/big.bin', 'file', 300), f('usr-local', 'file', 5), f('etc', 'dir', 10), f('etc/os-release', 'file', 10)];

describe('file tree rows', () => {
  it('puts a directory before what is under it, and hides what a collapsed directory holds', () => {
    const ordered = treeOrder(files);
    expect(ordered.map((x) => x.path)).toEqual(['etc', 'etc/os-release', 'usr', 'usr/lib', 'usr/lib/big.bin', 'usr-local']);
    expect(visibleRows(ordered, new Set(['usr']), '').map((r) => r.file.path)).toEqual(['etc', 'etc/os-release', 'usr', 'usr-local']);
    expect(visibleRows(ordered, new Set(), 'big').map((r) => r.file.path)).toEqual(['usr', 'usr/lib', 'usr/lib/big.bin']);
  });
});

describe('FilesView', () => {
  it('shows the tree with directory totals, the wasted space, and opens a text file', async () => {
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 1 };
    const waste: WasteReport = { efficiency: 0.5, wastedBytes: 600, userBytes: 0, userWastedPercent: 0, offenders: [{ path: 'usr/lib/big.bin', count: 2, totalBytes: 600, reclaimableBytes: 300 }] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = {
      'xray:files': () => ({ ok: true, value: view }),
      'xray:waste': () => ({ ok: true, value: waste }),
      'xray:open': () => ({ ok: true, value: { path: 'etc/os-release', layer: 0, layerDigest: view.layers[0]?.digest, size: 10, binary: false, text: 'NAME=test\n' } }),
    };
    useApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: '1' }} />);
    await waitFor(() => expect(screen.getByText(/6 paths/)).toBeTruthy());
    expect(screen.getByRole('region', { name: 'Wasted space' }).textContent).toContain('/usr/lib/big.bin');
    expect(screen.getAllByText('300 B').length).toBeGreaterThanOrEqual(3);
    fireEvent.click(screen.getByText('os-release'));
    await waitFor(() => expect(screen.getByLabelText('File content').textContent).toBe('NAME=test\n'));
  });
});
