import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildApi, type PushJobView, type Result } from '../../../shared/contract.js';
import type { BlobProgress, PushEvent, PushProgress } from '../../../shared/push.js';
import { setApi } from '../lib/api.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { initTransfers, useTransfers } from '../stores/transfers.js';
import { TransfersPanel, exportDestination } from './TransfersPanel.js';

const blob = (id: string, kind: BlobProgress['kind'], label?: string): BlobProgress => ({ id, kind, action: 'upload', state: 'uploading', bytesDone: 1, bytesTotal: 2, bytesSent: 1, digest: `sha256:${id.repeat(64)}`, ...(label ? { label } : {}) });

describe('TransfersPanel', () => {
  it('names the blobs of a multi-arch copy by platform and layer, with the digest on hover', () => {
    const blobs = [blob('a', 'config', 'config linux/amd64'), blob('b', 'config', 'config linux/arm64'), blob('c', 'layer', 'layer 1/2 linux/arm64'), blob('d', 'layer')];
    useTransfers.setState({
      open: true,
      order: ['job'],
      jobs: { job: { view: { jobId: 'job', kind: 'copy', target: 'localhost:5001/app:1', archive: '', state: 'running', startedAt: '2026-01-01T00:00:00Z' }, blobs: Object.fromEntries(blobs.map((b) => [b.id, b])) } },
    });
    render(<TransfersPanel />);
    const names = [...document.querySelectorAll('.blob-name')].map((n) => n.textContent);
    expect(names).toEqual(['config linux/amd64', 'config linux/arm64', 'layer 1/2 linux/arm64', 'd'.repeat(12)]);
    expect(screen.getByText('config linux/arm64').getAttribute('title')).toBe(`config linux/arm64\nsha256:${'b'.repeat(64)}`);
  });

  it('names a copy by the registry name, repository and tag, whatever the host called it, in full on hover', async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'push:list' ? { ok: true, value: [] } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: (event, handler) => (handlers.set(event, handler), () => undefined) }));
    useTransfers.setState({ open: true, order: [], jobs: {} });
    await initTransfers();
    // The host's first event can arrive before the renderer knows the job id: it names the target its own way.
    handlers.get('push:progress')?.({ type: 'plan', jobId: 'c1', target: '127.0.0.1:3531/team/web:1', blobs: [] } satisfies PushEvent);
    useTransfers.getState().track('c1', { kind: 'copy', target: 'Prod · team/web:1', archive: 'Staging · team/web:1' });
    const finished: PushJobView = { jobId: 'c1', kind: 'copy', target: '127.0.0.1:3531/team/web:1', archive: '127.0.0.1:3530/team/web:1', state: 'pushed', startedAt: '2026-01-01T00:00:00Z', digest: 'sha256:d' };
    handlers.get('push:finished')?.(finished);
    render(<TransfersPanel />);
    const head = screen.getByText(/^Copy to/);
    expect(head.textContent).toBe('Copy to Prod · team/web:1');
    expect(head.getAttribute('title')).toBe('Copy to Prod · team/web:1');
    expect(useTransfers.getState().jobs['c1']?.view.state).toBe('pushed');
  });

  it('names a push as it names a copy: "Push to" the registry name, repository and tag', async () => {
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'push:start' ? { ok: true, value: { jobId: 'p1' } } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    useRegistries.setState({ list: [{ id: 'b', name: 'local B', url: '127.0.0.1:5001', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [], hasSecret: false }] });
    useTransfers.setState({ open: true, order: [], jobs: {} });
    await useTransfers.getState().start({ path: '/tmp/app.tar', imageId: 0, registryId: 'b', repository: 'demo/pushed', tag: 'v2' });
    render(<TransfersPanel />);
    const head = screen.getByText(/^Push to/);
    expect(head.textContent).toBe('Push to local B · demo/pushed:v2');
    expect(head.getAttribute('title')).toBe('Push to local B · demo/pushed:v2');
  });

  it("names an export's file in its title and its folder in full below, as a push names its target", () => {
    const target = '/home/me/exports/for the team in another building/2026-11/team_app_1.tar';
    useTransfers.setState({
      open: true,
      order: ['e1', 'e2'],
      jobs: {
        e1: { view: { jobId: 'e1', kind: 'export', target, archive: 'Staging · team/app:1', state: 'running', startedAt: '2026-01-01T00:00:00Z' }, blobs: {} },
        e2: { view: { jobId: 'e2', kind: 'export', target: 'team_app_1.oci.tar (browser download)', archive: 'Staging · team/app:1', state: 'pushed', startedAt: '2026-01-01T00:00:00Z' }, blobs: {} },
      },
    });
    render(<TransfersPanel />);
    const head = screen.getByText('Export to team_app_1.tar');
    expect(head.getAttribute('title')).toBe(`Export to ${target}`);
    const where = screen.getAllByTestId('export-destination').map((n) => n.textContent);
    expect(where).toEqual(['Staging · team/app:1 into the folder /home/me/exports/for the team in another building/2026-11/', 'Staging · team/app:1']);
    expect(screen.getByText('Export to team_app_1.oci.tar (browser download)')).toBeTruthy();
    expect(exportDestination('C:\\Users\\me\\image.tar')).toEqual({ file: 'image.tar', folder: 'C:\\Users\\me\\' });
  });

  it('Open image closes the panel where it floats over the view (it covered the image it opened), not where it sits beside', () => {
    const finished = { view: { jobId: 'p2', target: 'local B · demo/app:1', archive: '/tmp/app.tar', state: 'pushed' as const, startedAt: '2026-01-01T00:00:00Z' }, blobs: {}, link: { registryId: 'b', repository: 'demo/app', reference: '1' } };
    const original = window.matchMedia;
    try {
      for (const floats of [true, false]) {
        window.matchMedia = ((query: string) => ({ matches: floats && query === '(max-width: 1100px)', media: query })) as unknown as typeof window.matchMedia;
        useNav.setState({ route: { view: 'home' }, history: [] });
        useTransfers.setState({ open: true, order: ['p2'], jobs: { p2: finished } });
        const { unmount } = render(<TransfersPanel />);
        fireEvent.click(screen.getByRole('button', { name: 'Open image' }));
        expect(useNav.getState().route).toEqual({ view: 'image', registryId: 'b', repository: 'demo/app', reference: '1' });
        expect(useTransfers.getState().open).toBe(!floats);
        unmount();
      }
    } finally {
      window.matchMedia = original;
    }
  });

  it('after a reload, a finished push and copy listed again by the host still open their image (an export opens none)', async () => {
    const at = '2026-01-01T00:00:00Z';
    const listed: PushJobView[] = [
      { jobId: 'p9', target: 'local B · demo/app:2', archive: '/tmp/app.tar', state: 'pushed', startedAt: at, digest: 'sha256:p', opens: { registryId: 'b', repository: 'demo/app', reference: '2' } },
      { jobId: 'c9', kind: 'copy', target: 'Prod · team/web:1', archive: 'Staging · team/web:1', state: 'pushed', startedAt: at, digest: 'sha256:c', opens: { registryId: 'prod', repository: 'team/web', reference: '1' } },
      { jobId: 'e9', kind: 'export', target: '/tmp/web.tar', archive: 'team/web:1', state: 'pushed', startedAt: at, digest: 'sha256:e' },
    ];
    // A reloaded page: nothing in memory but what push:list gives back.
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'push:list' ? { ok: true, value: listed } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: () => () => undefined }));
    useTransfers.setState({ open: true, order: [], jobs: {} });
    useNav.setState({ route: { view: 'home' }, history: [] });
    await initTransfers();
    render(<TransfersPanel />);
    const open = screen.getAllByRole('button', { name: 'Open image' });
    expect(open).toHaveLength(2);
    fireEvent.click(open[0]!);
    expect(useNav.getState().route).toEqual({ view: 'image', registryId: 'b', repository: 'demo/app', reference: '2' });
    fireEvent.click(open[1]!);
    expect(useNav.getState().route).toEqual({ view: 'image', registryId: 'prod', repository: 'team/web', reference: '1' });
  });

  it('a job cancelled once the registry had written its tag shows the engine\'s words, the digest and Open image; one whose tag\'s state is unknown opens nothing', () => {
    const at = '2026-01-01T00:00:00Z';
    const digest = `sha256:${'a'.repeat(64)}`;
    const opens = { registryId: 'prod', repository: 'team/web', reference: '1' };
    const cancelled = (jobId: string, message: string, details: NonNullable<PushJobView['error']>['details'], written?: string): PushJobView => ({
      jobId, kind: 'copy', target: 'Prod · team/web:1', archive: 'Staging · team/web:1', state: 'cancelled', startedAt: at, opens, error: { code: 'CANCELLED', message, ...(details ? { details } : {}) }, ...(written ? { digest: written } : {}),
    });
    const jobs = {
      w: { view: cancelled('w', `copy cancelled after the registry wrote the tag: 127.0.0.1:5000/team/web:1 is ${digest}`, { tagState: 'written', digest }, digest), blobs: {} },
      n: { view: cancelled('n', 'copy cancelled while the registry was writing the tag: whether 127.0.0.1:5000/team/web:1 was written is unknown (the registry did not name it yet when asked, and may still write it)', { tagState: 'unknown' }), blobs: {} },
      u: { view: cancelled('u', 'copy cancelled while the registry was writing the tag: whether 127.0.0.1:5000/team/web:1 was written is unknown (the registry did not answer)', { tagState: 'unknown' }), blobs: {} },
    };
    useTransfers.setState({ open: true, order: ['w', 'n', 'u'], jobs });
    useNav.setState({ route: { view: 'home' }, history: [] });
    render(<TransfersPanel />);
    const cards = screen.getAllByTestId('job');
    expect(cards.map((card) => card.getAttribute('data-state'))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(cards[0]?.textContent).toContain(`is ${digest}`);
    expect(cards[0]?.querySelector(`code[title="${digest}"]`)).toBeTruthy();
    // The digest, cut to the panel's width, can be copied whole, as everywhere else a digest shows.
    expect(cards[0]?.querySelector(`button[aria-label="Copy ${digest}"]`)).toBeTruthy();
    expect(cards[1]?.textContent).toContain('is unknown (the registry did not name it yet when asked, and may still write it)');
    expect(cards[2]?.textContent).toContain('is unknown (the registry did not answer)');
    const open = screen.getAllByRole('button', { name: 'Open image' });
    expect(open).toHaveLength(1);
    expect(cards[0]?.contains(open[0]!)).toBe(true);
    fireEvent.click(open[0]!);
    expect(useNav.getState().route).toEqual({ view: 'image', ...opens });
  });
});

describe('TransfersPanel: what a finished push did', () => {
  const at = '2026-01-01T00:00:00Z';
  const done = (id: string, action: BlobProgress['action'], state: BlobProgress['state'], total: number, sent: number, label: string): BlobProgress => ({ id, kind: id === 'cfg' ? 'config' : 'layer', action, state, bytesDone: total, bytesTotal: total, bytesSent: sent, digest: `sha256:${id}`, label });
  const show = (view: Partial<PushJobView>, blobs: readonly BlobProgress[], overall?: PushProgress): void => {
    useTransfers.setState({
      open: true,
      order: ['j'],
      jobs: { j: { view: { jobId: 'j', target: 'local · team/app:1', archive: '/tmp/app.tar', state: 'pushed', startedAt: at, digest: 'sha256:m', ...view }, blobs: Object.fromEntries(blobs.map((b) => [b.id, b])), ...(overall ? { overall } : {}) } },
    });
    render(<TransfersPanel />);
  };

  it('a second push of the same archive says nothing was uploaded, and its rows no longer read "22.4 MB / 22.4 MB" as if sent', () => {
    show({}, [done('cfg', 'skip', 'skipped', 595, 0, 'config'), done('l1', 'skip', 'skipped', 22_400_000, 0, 'layer 1/2'), done('l2', 'skip', 'skipped', 2_100_000, 0, 'layer 2/2')]);
    expect(screen.getByTestId('job-summary').textContent).toBe('Nothing to upload: the registry had all 3 blobs already');
    expect([...document.querySelectorAll('.blob-row .muted')].map((n) => n.textContent)).toEqual(['595 B', '22.4 MB', '2.1 MB']);
    // In docker push's word ('Layer already exists'), as the CLI's '3 blobs already there': 'skipped' read as left out.
    const tags = [...document.querySelectorAll('.blob-row .state-tag')];
    expect(tags.map((n) => n.textContent)).toEqual(['exists', 'exists', 'exists']);
    expect(tags[0]?.getAttribute('title')).toBe('already in the registry: nothing sent');
    expect(screen.getAllByRole('progressbar').map((bar) => bar.getAttribute('aria-label'))).toContain('layer exists, already in the registry: nothing sent');
  });

  it('a first push says what it sent, how much it gzipped and with what, and what the registry had already', () => {
    show({ compressor: 'libdeflate 1.22' }, [done('cfg', 'upload', 'done', 595, 595, 'config'), done('l1', 'compress', 'done', 22_400_000, 1_300_000, 'layer 1/3'), done('l2', 'compress', 'done', 12_000_000, 12_010_000, 'layer 2/3'), done('l3', 'skip', 'skipped', 2_100_000, 0, 'layer 3/3')]);
    expect(screen.getByTestId('job-summary').textContent).toBe('Uploaded 13.3 MB in 3 blobs (2 layers gzipped from 34.4 MB with libdeflate 1.22); 1 blob already there');
    expect(screen.getByText('22.4 MB → 1.3 MB sent')).toBeTruthy();
  });

  it('names the zlib fallback as the slower path, and mounts as mounts', () => {
    show({ compressor: 'zlib 1.3.1' }, [done('cfg', 'mount', 'mounted', 595, 0, 'config'), done('l1', 'compress', 'done', 2_000_000, 500_000, 'layer 1/1')]);
    expect(screen.getByTestId('job-summary').textContent).toBe('Uploaded 500 kB in 1 blob (1 layer gzipped from 2.0 MB with zlib 1.3.1 — the slower fallback; the libdeflate addon is not in use); 1 blob mounted from another repository');
  });

  it('says "Nothing to copy" for a copy the target had, and gives an export no summary', () => {
    show({ kind: 'copy' }, [done('cfg', 'skip', 'skipped', 595, 0, 'config')]);
    expect(screen.getByTestId('job-summary').textContent).toBe('Nothing to copy: the registry had the blob already');
    cleanup();
    show({ kind: 'export', target: '/tmp/x.tar' }, [done('cfg', 'upload', 'done', 595, 595, 'config')]);
    expect(screen.queryByTestId('job-summary')).toBeNull();
  });

  it('a running push shows no "0 B/s" before its rate is known', () => {
    show({ state: 'running' }, [done('l1', 'compress', 'compressing', 2_000_000, 0, 'layer 1/1')], { bytesDone: 0, bytesTotal: 2_000_000, rate: 0 });
    expect(screen.getByText(/0 B \/ 2\.0 MB/).textContent).toBe('0 B / 2.0 MB');
    expect(screen.queryByTestId('job-summary')).toBeNull();
  });

  it('a cancelled push shows the blobs it was still moving as stopped, not still compressing', () => {
    show({ state: 'cancelled', error: { code: 'CANCELLED', message: 'push cancelled; no tag was written' } }, [done('cfg', 'upload', 'done', 595, 595, 'config'), { ...done('l1', 'compress', 'compressing', 2_000_000, 0, 'layer 1/2'), bytesDone: 500_000 }, { ...done('l2', 'compress', 'waiting', 1_000, 0, 'layer 2/2'), bytesDone: 0 }]);
    expect([...document.querySelectorAll('.blob-row .state-tag')].map((n) => n.textContent)).toEqual(['done', 'stopped', 'stopped']);
    expect(screen.queryByTestId('job-summary')).toBeNull();
  });

  it('names what gzips a running push\'s layers, as its plan gave it (the zlib fallback as the slower one)', async () => {
    const handlers = new Map<string, (payload: unknown) => void>();
    setApi(buildApi({ invoke: async (channel): Promise<Result<unknown>> => (channel === 'push:list' ? { ok: true, value: [] } : { ok: false, error: { code: 'INTERNAL', message: channel } }), subscribe: (event, handler) => (handlers.set(event, handler), () => undefined) }));
    useTransfers.setState({ open: true, order: [], jobs: {} });
    await initTransfers();
    act(() => handlers.get('push:progress')?.({ type: 'plan', jobId: 'z', target: 'r/app:1', compressor: 'zlib 1.3.1', blobs: [done('l1', 'compress', 'waiting', 2_000_000, 0, 'layer 1/1')] } satisfies PushEvent));
    render(<TransfersPanel />);
    expect(screen.getByTestId('job-compressor').textContent).toBe('Gzipping layers with zlib 1.3.1 — the slower fallback; the libdeflate addon is not in use');
  });

  it('says no "0s left" as the last bytes go', () => {
    show({ state: 'running' }, [done('l1', 'compress', 'compressing', 2_000_000, 0, 'layer 1/1')], { bytesDone: 2_000_000, bytesTotal: 2_000_000, rate: 1_000_000, etaSeconds: 0 });
    expect(screen.getByText(/MB\/s/).textContent).toBe('2.0 MB / 2.0 MB · 1.0 MB/s');
  });
});

describe('TransfersPanel and Esc', () => {
  it('closes the open panel on Esc instead of going back a view (the window goes back only once the panel is shut)', () => {
    useTransfers.setState({ open: true, order: [], jobs: {} });
    // The window's own Esc, as App registers it: back a view.
    let backs = 0;
    const back = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') backs += 1;
    };
    window.addEventListener('keydown', back);
    try {
      const { unmount } = render(<TransfersPanel />);
      fireEvent.keyDown(document.body, { key: 'Escape' });
      expect(useTransfers.getState().open).toBe(false);
      expect(backs).toBe(0);
      fireEvent.keyDown(document.body, { key: 'Escape' });
      expect(backs).toBe(1);
      unmount();
    } finally {
      window.removeEventListener('keydown', back);
    }
  });

  it('leaves Esc to the push drawer while it is open', () => {
    useTransfers.setState({ open: true, order: [], jobs: {} });
    const drawer = document.createElement('aside');
    drawer.className = 'push-dialog';
    document.body.append(drawer);
    try {
      const { unmount } = render(<TransfersPanel />);
      fireEvent.keyDown(document.body, { key: 'Escape' });
      expect(useTransfers.getState().open).toBe(true);
      unmount();
    } finally {
      drawer.remove();
    }
  });
});
