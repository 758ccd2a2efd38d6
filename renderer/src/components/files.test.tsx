import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import type { LayerChanges, MergedFile, WasteReport, XrayFilesView } from '../../../shared/xray.js';
import { setApi } from '../lib/api.js';
import { treeOrder, visibleRows } from './file-tree.js';
import { FilesChanged } from './FilesChanged.js';
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
    const waste: WasteReport = { efficiency: 0.5, wastedBytes: 600, reclaimableBytes: 300, wastedPaths: 1, layerBytes: 1200, wastedPercent: 50, userBytes: 300, userWastedPercent: 200, offenders: [{ path: 'usr/lib/big.bin', count: 2, totalBytes: 600, reclaimableBytes: 300 }] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = {
      'xray:files': () => ({ ok: true, value: view }),
      'xray:waste': () => ({ ok: true, value: waste }),
      'xray:open': () => ({ ok: true, value: { path: 'etc/os-release', layer: 0, layerDigest: view.layers[0]?.digest, size: 10, binary: false, text: 'NAME=test\n' } }),
    };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: '1' }} />);
    await waitFor(() => expect(screen.getByText(/6 paths/)).toBeTruthy());
    expect(screen.getByText(/6 paths/).textContent).toContain('(1 from cache)');
    // The files the image shows, merged: not what the layers hold (their copies are what the wasted space counts).
    expect(screen.getByText(/6 paths/).textContent).toBe('6 paths, 315 B in the merged filesystem of 1 layer (1 from cache)');
    expect(screen.getByRole('region', { name: 'Wasted space' }).textContent).toContain('/usr/lib/big.bin');
    // A share of every layer's file bytes (never above 100 %), not dive's "% of the layers above the first" (200 % here).
    expect(screen.getByTestId('wasted-share').textContent).toBe('50.0 % of the file bytes in all layers');
    expect(screen.getByTestId('wasted-efficiency').textContent).toMatch(/^50\.0 % /);
    // As the CLI's RECLAIMABLE column (every copy but the one the image shows), beside dive's total of every copy.
    const offender = screen.getByRole('row', { name: /big\.bin/ });
    expect([...offender.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['2', '600 B', '300 B', '/usr/lib/big.bin']);
    // A deleted file's '2 copies' with one size: the column says that the deleting layer is one of them.
    expect(screen.getByRole('columnheader', { name: 'Copies' }).getAttribute('title')).toBe('the layers that hold the path, a layer that deletes it (a whiteout, 0 bytes) among them');
    expect(screen.getByRole('columnheader', { name: 'Reclaimable' }).getAttribute('title')).toMatch(/^every copy but the one the image shows \(all of them for a path the image deletes\)/);
    // "L1" says what it is on hover.
    expect(screen.getAllByText('L1')[0]?.getAttribute('title')).toBe('last written by layer 1');
    expect(screen.getAllByText('300 B').length).toBeGreaterThanOrEqual(3);
    // jsdom lays nothing out: what is checked is that the opened file is asked into view (the e2e test measures it).
    const scrolled: Element[] = [];
    const scrollIntoView = vi.fn(function (this: Element) {
      scrolled.push(this);
    });
    Element.prototype.scrollIntoView = scrollIntoView;
    fireEvent.click(screen.getByText('os-release'));
    await waitFor(() => expect(screen.getByLabelText('File content').textContent).toBe('NAME=test\n'));
    expect(scrolled).toEqual([screen.getByRole('dialog', { name: 'File' })]);
    expect(scrollIntoView).toHaveBeenCalledWith({ block: 'nearest' });
  });
});

describe('FilesView with nothing cached', () => {
  it('says nothing about the cache rather than "(0 from cache)"', async () => {
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 0 };
    const waste: WasteReport = { efficiency: 1, wastedBytes: 0, reclaimableBytes: 0, wastedPaths: 0, layerBytes: 0, wastedPercent: 0, userBytes: 0, userWastedPercent: 0, offenders: [] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: '0' }} />);
    await waitFor(() => expect(screen.getAllByText(/6 paths/).length).toBeGreaterThan(0));
    expect(screen.getAllByText(/6 paths/).map((e) => e.textContent).join()).not.toMatch(/from cache/);
  });
});

describe('FilesView shares near the ends', () => {
  it('never rounds a share that is not every byte to 100 %, nor one that is not none to 0 %', async () => {
    // An image whose files were all overwritten but 6 bytes: 351,000 of 351,006 bytes wasted read "100.0 %".
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 0 };
    const waste: WasteReport = { efficiency: 0.0004, wastedBytes: 351_000, reclaimableBytes: 191_000, wastedPaths: 3, layerBytes: 351_006, wastedPercent: (351_000 / 351_006) * 100, userBytes: 0, userWastedPercent: 0, offenders: [{ path: 'data/big.bin', count: 2, totalBytes: 310_000, reclaimableBytes: 150_000 }] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'near' }} />);
    await waitFor(() => expect(screen.getByTestId('wasted-share')).toBeTruthy());
    expect(screen.getByTestId('wasted-share').textContent).toBe('> 99.9 % of the file bytes in all layers');
    expect(screen.getByTestId('wasted-efficiency').textContent).toMatch(/^< 0\.1 % /);
  });
});

describe('FilesChanged', () => {
  it('puts the one-line answer on top and the largest directory change first', async () => {
    const items = [
      { path: 'srv/model.bin', change: 'added' as const, kind: 'file' as const, oldSize: 0, newSize: 400_000, delta: 400_000, layer: 3 },
      { path: 'etc/os-release', change: 'changed' as const, kind: 'file' as const, oldSize: 30, newSize: 42, delta: 12, layer: 4 },
    ];
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = {
      'xray:diff': () => ({ ok: true, value: { from: 'app:1', to: 'app:2', oldBytes: 1000, newBytes: 401_012, delta: 400_012, items, top: [{ path: 'srv/model.bin', delta: 400_000 }], more: 0 } }),
    };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesChanged from={{ registryId: 'r', repository: 'app', reference: '1' }} to={{ registryId: 'r', repository: 'app', reference: '2' }} />);
    fireEvent.click(screen.getByRole('button', { name: /Files changed/ }));
    await waitFor(() => expect(screen.getByTestId('why-it-grew').textContent).toBe('+400 kB (1.0 kB → 401 kB): /srv/model.bin +400 kB'));
    // File sizes are uncompressed, unlike the compressed layer sizes beside them: the heading says which.
    expect(screen.getByRole('heading', { name: /Files changed/ }).textContent).toContain('files, uncompressed');
    expect(screen.getByRole('region', { name: 'Files changed' }).textContent?.indexOf('/srv')).toBeLessThan(screen.getByRole('region', { name: 'Files changed' }).textContent?.indexOf('/etc') ?? 0);
  });

  it('marks each row once, as added, removed or changed, with the word for screen readers (no list bullet beside it)', async () => {
    const items = [
      { path: 'srv/model.bin', change: 'added' as const, kind: 'file' as const, oldSize: 0, newSize: 400, delta: 400, layer: 3 },
      { path: 'srv/old.bin', change: 'removed' as const, kind: 'file' as const, oldSize: 30, newSize: 0, delta: -30, layer: 3 },
      { path: 'srv/conf', change: 'changed' as const, kind: 'file' as const, oldSize: 30, newSize: 42, delta: 12, layer: 4 },
    ];
    setApi(buildApi({ invoke: async (channel) => (channel === 'xray:diff' ? { ok: true, value: { from: 'app:1', to: 'app:2', oldBytes: 60, newBytes: 442, delta: 382, items, top: [], more: 1 } } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    const style = document.createElement('style');
    style.textContent = readFileSync(join(process.cwd(), 'renderer', 'src', 'styles.css'), 'utf8');
    document.head.append(style);
    try {
      const view = within(render(<FilesChanged from={{ registryId: 'r', repository: 'app', reference: '3' }} to={{ registryId: 'r', repository: 'app', reference: '4' }} />).container);
      fireEvent.click(view.getByRole('button', { name: /Files changed/ }));
      await waitFor(() => expect(view.getAllByRole('listitem')).toHaveLength(3));
      const list = view.getByRole('list');
      expect(getComputedStyle(list).listStyleType).toBe('none');
      const rows = view.getAllByRole('listitem');
      expect(rows.map((row) => [...row.querySelectorAll('[role=img]')].map((mark) => `${mark.textContent} ${mark.getAttribute('aria-label')}`))).toEqual([['+ added'], ['− removed'], ['~ changed']]);
      expect(rows.map((row) => row.textContent?.split(' /')[0])).toEqual(['+', '−', '~']);
      expect(view.getByText(/\(3 changes\)/)).toBeTruthy();
      expect(view.getByText('… and 1 more change')).toBeTruthy();
    } finally {
      style.remove();
    }
  });
});

describe('hostile file names and text', () => {
  // A layer's file names and a text file's content come from whoever built the image: a bidi override makes
  // "bidi\u202egnp.exe" read as "bidiexe.png", a line break or escape sequence hides what is there.
  const hostile = [f('etc', 'dir', 40), f('etc/bidi\u202egnp.exe', 'file', 30), f('etc/x\n\u2066y', 'file', 10)];
  // eslint-disable-next-line no-control-regex -- looking for them is the point
  const RAW = /[\u0000-\u001f\u202e\u2066]/;

  it('FilesView shows names, the opened path and the text with their controls escaped', async () => {
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 3 }], files: hostile, totalBytes: 40, cached: 1 };
    const waste: WasteReport = { efficiency: 0.5, wastedBytes: 60, reclaimableBytes: 30, wastedPaths: 1, layerBytes: 120, wastedPercent: 50, userBytes: 0, userWastedPercent: 0, offenders: [{ path: 'etc/bidi\u202egnp.exe', count: 2, totalBytes: 60, reclaimableBytes: 30 }] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = {
      'xray:files': () => ({ ok: true, value: view }),
      'xray:waste': () => ({ ok: true, value: waste }),
      'xray:open': () => ({ ok: true, value: { path: 'etc/bidi\u202egnp.exe', layer: 0, layerDigest: view.layers[0]?.digest, size: 30, binary: false, text: 'a\x1b[2Jb\u202ec\r\nd\te\n' } }),
    };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    const { container } = render(<FilesView target={{ registryId: 'r', repository: 'hostile', reference: '1' }} />);
    await waitFor(() => expect(screen.getByText(/3 paths/)).toBeTruthy());
    fireEvent.click(screen.getByText('bidi\\u202egnp.exe'));
    await waitFor(() => expect(screen.getByLabelText('File content').textContent).toBe('a\\x1b[2Jb\\u202ec\r\nd\te\n'));
    expect(screen.getByText('x\\x0a\\u2066y')).toBeTruthy();
    // Nothing shown holds a raw control or bidi character, apart from the file's own line ends and tab.
    const shown = (container.textContent ?? '').replace(screen.getByLabelText('File content').textContent ?? '', '');
    expect(RAW.test(shown)).toBe(false);
    expect(RAW.test(container.querySelector('svg')?.innerHTML ?? '')).toBe(false);
  });

  it('FilesChanged shows the summary and the paths with their controls escaped', async () => {
    const items = [{ path: 'etc/bidi\u202egnp.exe', change: 'added' as const, kind: 'file' as const, oldSize: 0, newSize: 400_000, delta: 400_000, layer: 1 }];
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = {
      'xray:diff': () => ({ ok: true, value: { from: 'app:1', to: 'app:2', oldBytes: 0, newBytes: 400_000, delta: 400_000, items, top: [{ path: 'etc/bidi\u202egnp.exe', delta: 400_000 }], more: 0 } }),
    };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesChanged from={{ registryId: 'r', repository: 'hostile', reference: '1' }} to={{ registryId: 'r', repository: 'hostile', reference: '2' }} />);
    fireEvent.click(screen.getByRole('button', { name: /Files changed/ }));
    await waitFor(() => expect(screen.getByTestId('why-it-grew').textContent).toBe('+400 kB (0 B → 400 kB): /etc/bidi\\u202egnp.exe +400 kB'));
    expect(RAW.test(screen.getByRole('region', { name: 'Files changed' }).textContent ?? '')).toBe(false);
  });
});

describe('FilesView layer choices', () => {
  it('names the count it has for what it is, tar entries (not changes), one in the singular, thousands with separators', async () => {
    const layer = (c: string, entries: number) => ({ digest: `sha256:${c.repeat(64)}`, diffId: `sha256:${c.repeat(64)}`, size: 100, tarSize: 2048, entries });
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [layer('a', 12000), layer('c', 1)], files, totalBytes: 315, cached: 0 };
    const waste: WasteReport = { efficiency: 1, wastedBytes: 0, reclaimableBytes: 0, wastedPaths: 0, layerBytes: 0, wastedPercent: 0, userBytes: 0, userWastedPercent: 0, offenders: [] };
    const changes: LayerChanges = { layer: 1, digest: view.layers[1]!.digest, added: 2, changed: 1, removed: 0, addedBytes: 10, changedBytes: 5, removedBytes: 0, changes: [] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }), 'xray:layer': () => ({ ok: true, value: changes }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'layers' }} />);
    await waitFor(() => expect(screen.getAllByText(/6 paths/).length).toBeGreaterThan(0));
    const options = screen.getAllByRole('option').map((o) => o.textContent);
    expect(options).toContain('Layer 1 changes (sha256:aaaaaaaaaaaa, 12,000 tar entries)');
    expect(options).toContain('Layer 2 changes (sha256:cccccccccccc, 1 tar entry)');
    // Chosen, the layer's changes are counted as changes, beside what the tar holds.
    fireEvent.change(screen.getAllByRole('combobox').at(-1)!, { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('layer-tar-entries').textContent).toBe(' · its tar holds 1 entry (directories and whiteouts among them)'));
    expect(screen.getByText(/\+2 added/)).toBeTruthy();
    // The size map below still draws the merged filesystem: with a layer shown above it, it says so.
    expect(screen.getByRole('figure', { name: 'Size map' }).querySelector('figcaption')?.textContent).toBe('Size map of / (the merged filesystem, not layer 2) ');
  });
});

describe('FilesView layer changes in the picker', () => {
  it('names each layer by what it adds, changes and removes when the host counted them, the same figures as the layer shows once chosen', async () => {
    const layer = (c: string, entries: number, counts: { added: number; changed: number; removed: number }) => ({ digest: `sha256:${c.repeat(64)}`, diffId: `sha256:${c.repeat(64)}`, size: 100, tarSize: 2048, entries, changes: counts });
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [layer('a', 12000, { added: 11990, changed: 0, removed: 0 }), layer('c', 9, { added: 2, changed: 1, removed: 3 })], files, totalBytes: 315, cached: 0 };
    const waste: WasteReport = { efficiency: 1, wastedBytes: 0, reclaimableBytes: 0, wastedPaths: 0, layerBytes: 0, wastedPercent: 0, userBytes: 0, userWastedPercent: 0, offenders: [] };
    const changes: LayerChanges = { layer: 1, digest: view.layers[1]!.digest, added: 2, changed: 1, removed: 3, addedBytes: 10, changedBytes: 5, removedBytes: 7, changes: [] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }), 'xray:layer': () => ({ ok: true, value: changes }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'counted' }} />);
    await waitFor(() => expect(screen.getAllByText(/6 paths/).length).toBeGreaterThan(0));
    const options = [...(screen.getAllByRole('combobox').at(-1) as HTMLSelectElement).options].map((o) => o.textContent);
    expect(options).toEqual(['Merged filesystem', 'Layer 1: +11,990 added, ~0 changed, −0 removed (sha256:aaaaaaaaaaaa)', 'Layer 2: +2 added, ~1 changed, −3 removed (sha256:cccccccccccc)']);
    fireEvent.change(screen.getAllByRole('combobox').at(-1)!, { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('layer-tar-entries')).toBeTruthy());
    expect(screen.getByTestId('layer-tar-entries').parentElement?.textContent).toBe('+2 added (10 B), ~1 changed (5 B), −3 removed (7 B) · its tar holds 9 entries (directories and whiteouts among them)');
  });
});

describe('FilesView hard links', () => {
  it('names the file a hard link shares its bytes with, as the CLI does', async () => {
    const linked = [f('data', 'dir', 10), f('data/hard', 'file', 10), { ...f('data/hardlink', 'hardlink', 0), size: 10, link: 'data/hard' }];
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 3 }], files: linked, totalBytes: 10, cached: 0 };
    const waste: WasteReport = { efficiency: 1, wastedBytes: 0, reclaimableBytes: 0, wastedPaths: 0, layerBytes: 0, wastedPercent: 0, userBytes: 0, userWastedPercent: 0, offenders: [] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'hardlinks' }} />);
    await waitFor(() => expect(screen.getByText('hardlink ⇒ /data/hard')).toBeTruthy());
  });

  it('says nothing is wasted rather than drawing an empty table', async () => {
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 0 };
    const waste: WasteReport = { efficiency: 1, wastedBytes: 0, reclaimableBytes: 0, wastedPaths: 0, layerBytes: 0, wastedPercent: 0, userBytes: 0, userWastedPercent: 0, offenders: [] };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: '2' }} />);
    const region = await screen.findByRole('region', { name: 'Wasted space' });
    expect(region.querySelector('table')).toBeNull();
    expect(region.textContent).toContain('Nothing wasted');
  });
});

describe('FilesView wasted space', () => {
  it('says what each figure counts, and the Total and Reclaimable columns add up to them over every path, the table showing the largest 10', async () => {
    // Twelve paths in two layers each: path i has copies of 100 * (i + 1) and 10 * (i + 1) bytes, the second shown.
    const offenders = Array.from({ length: 12 }, (_, i) => ({ path: `srv/f${String(i).padStart(2, '0')}`, count: 2, totalBytes: 110 * (i + 1), reclaimableBytes: 100 * (i + 1) })).reverse();
    // By hand: totals 110 * (1 + ... + 12) = 8,580 bytes; reclaimable 100 * 78 = 7,800 bytes.
    const waste: WasteReport = { efficiency: 0.2, wastedBytes: 8580, reclaimableBytes: 7800, wastedPaths: 12, layerBytes: 9000, wastedPercent: (8580 / 9000) * 100, userBytes: 780, userWastedPercent: 1100, offenders };
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 0 };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'waste' }} />);
    const region = await screen.findByRole('region', { name: 'Wasted space' });
    expect(screen.getByTestId('wasted-total').textContent).toBe('8.6 kB every copy of the 12 paths found in more than one layer, as dive counts it · 95.3 % of the file bytes in all layers');
    expect(screen.getByTestId('wasted-reclaimable').textContent).toMatch(/^7\.8 kB the same copies but the one the image shows/);
    expect(within(region).getByText('Potential wasted space').tagName).toBe('DT');
    expect(within(region).getByText('Reclaimable by squashing').tagName).toBe('DT');
    // Ten rows, the largest, under a caption that says so; the sums row is over all twelve and repeats the figures.
    const body = region.querySelector('tbody') as HTMLElement;
    expect(body.querySelectorAll('tr')).toHaveLength(10);
    expect(region.querySelector('caption')?.textContent).toBe('The largest 10 of 12 paths');
    const sums = [...screen.getByTestId('wasted-sums').children].map((c) => c.textContent);
    expect(sums).toEqual(['All 12 paths', '8.6 kB', '7.8 kB', 'the potential wasted space and the reclaimable bytes above']);
    const cells = (column: number): number[] => [...body.querySelectorAll('tr')].map((tr) => Number(/^([\d,]+) bytes$/.exec(tr.children[column]?.querySelector('[title]')?.getAttribute('title') ?? '')?.[1]?.replace(/,/g, '')));
    // The rows shown hold the largest ten: their sums are those of paths 3 to 12, the figures less paths 1 and 2.
    expect(cells(1).reduce((a, b) => a + b, 0)).toBe(8580 - 110 - 220);
    expect(cells(2).reduce((a, b) => a + b, 0)).toBe(7800 - 100 - 200);
  });

  it('with every path in the table, the sums row is their sum', async () => {
    const offenders = [
      { path: 'usr/lib/big.bin', count: 2, totalBytes: 500, reclaimableBytes: 200 },
      { path: 'var/log/old.log', count: 2, totalBytes: 20, reclaimableBytes: 20 },
    ];
    const waste: WasteReport = { efficiency: 0.5, wastedBytes: 520, reclaimableBytes: 220, wastedPaths: 2, layerBytes: 1000, wastedPercent: 52, userBytes: 300, userWastedPercent: 0, offenders };
    const view: XrayFilesView = { name: 'app:1', platform: 'linux/amd64', layers: [{ digest: `sha256:${'a'.repeat(64)}`, diffId: `sha256:${'b'.repeat(64)}`, size: 100, tarSize: 2048, entries: 6 }], files, totalBytes: 315, cached: 0 };
    const handlers: Partial<Record<RequestChannel, (args: unknown) => Result<unknown>>> = { 'xray:files': () => ({ ok: true, value: view }), 'xray:waste': () => ({ ok: true, value: waste }) };
    setApi(buildApi({ invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: channel } }, subscribe: () => () => undefined }));
    render(<FilesView target={{ registryId: 'r', repository: 'app', reference: 'waste-all' }} />);
    const region = await screen.findByRole('region', { name: 'Wasted space' });
    expect(region.querySelector('caption')?.textContent).toBe('All 2 paths');
    expect([...screen.getByTestId('wasted-sums').children].map((c) => c.textContent).slice(0, 3)).toEqual(['Sum', '520 B', '220 B']);
  });
});
