import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import type { PushEvent } from '../../../shared/push.js';
import { setApi } from '../lib/api.js';
import { useCatalog } from './catalog.js';
import { sortedTags, type TagDetails } from './repository.js';
import { initTransfers, useTransfers } from './transfers.js';

type Handler = (args: unknown) => Result<unknown>;

function fakeApi(handlers: Partial<Record<RequestChannel, Handler>>) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = buildApi({
    invoke: async (channel, args) => handlers[channel]?.(args) ?? { ok: false, error: { code: 'INTERNAL', message: `no fake for ${channel}` } },
    subscribe: (event, handler) => {
      listeners.set(event, handler);
      return () => listeners.delete(event);
    },
  });
  setApi(api);
  return { emit: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

describe('catalog store', () => {
  beforeEach(() => useCatalog.setState({ registryId: undefined, repositories: [], loading: false, done: false, error: undefined }));

  it('streams every page, following the cursor', async () => {
    const pages: Record<string, { items: string[]; next?: string }> = { start: { items: ['a', 'b'], next: 'p2' }, p2: { items: ['c'], next: 'p3' }, p3: { items: ['d'] } };
    fakeApi({ 'catalog:list': (args) => ({ ok: true, value: pages[(args as { cursor?: string }).cursor ?? 'start'] }) });
    await useCatalog.getState().load('reg');
    expect(useCatalog.getState().repositories).toEqual(['a', 'b', 'c', 'd']);
    expect(useCatalog.getState().done).toBe(true);
  });

  it('keeps the error code for the error state', async () => {
    fakeApi({ 'catalog:list': () => ({ ok: false, error: { code: 'DENIED', message: 'no catalog' } }) });
    await useCatalog.getState().load('reg2');
    expect(useCatalog.getState().error).toEqual({ code: 'DENIED', message: 'no catalog' });
  });
});

describe('transfers store', () => {
  it('follows a job from plan to pushed through events', async () => {
    const fake = fakeApi({ 'push:list': () => ({ ok: true, value: [] }) });
    await initTransfers();
    const blob = { id: 'layer:a', kind: 'layer', action: 'compress', state: 'waiting', bytesDone: 0, bytesTotal: 100, bytesSent: 0 } as const;
    fake.emit('push:progress', { type: 'plan', jobId: 'j1', target: 'r/x:1', blobs: [blob] } satisfies PushEvent);
    fake.emit('push:progress', { type: 'progress', jobId: 'j1', target: 'r/x:1', blobs: [{ ...blob, state: 'compressing', bytesDone: 50 }], overall: { bytesDone: 50, bytesTotal: 100, rate: 10 } } satisfies PushEvent);
    expect(useTransfers.getState().jobs.j1?.blobs['layer:a']?.bytesDone).toBe(50);
    fake.emit('push:finished', { jobId: 'j1', target: 'r/x:1', archive: '/a.tar', state: 'pushed', startedAt: '2026-01-01T00:00:00Z', digest: 'sha256:abc' });
    expect(useTransfers.getState().jobs.j1?.view.state).toBe('pushed');
    expect(useTransfers.getState().order[0]).toBe('j1');
  });
});

describe('tag sorting', () => {
  const ready = (size: number, created: string): TagDetails => ({ state: 'ready', info: { digest: `sha256:${size}`, mediaType: 'm', kind: 'manifest', totalSize: size, created, platforms: [] } });
  const details = new Map<string, TagDetails>([
    ['a', ready(300, '2026-01-01T00:00:00Z')],
    ['b', ready(100, '2026-03-01T00:00:00Z')],
    ['c9', ready(200, '2026-02-01T00:00:00Z')],
  ]);
  it('sorts by name naturally, by size and by date', () => {
    expect(sortedTags(['a', 'b', 'c9', 'c10'], details, { key: 'name', descending: false })).toEqual(['a', 'b', 'c9', 'c10']);
    expect(sortedTags(['a', 'b', 'c9'], details, { key: 'size', descending: true })).toEqual(['a', 'c9', 'b']);
    expect(sortedTags(['a', 'b', 'c9'], details, { key: 'created', descending: false })).toEqual(['a', 'c9', 'b']);
  });
  it('keeps tags still loading after the sorted ones, whichever the direction', () => {
    expect(sortedTags(['a', 'b', 'c9', 'c10'], details, { key: 'size', descending: false })).toEqual(['b', 'c9', 'a', 'c10']);
    expect(sortedTags(['a', 'b', 'c9', 'c10'], details, { key: 'size', descending: true })).toEqual(['a', 'c9', 'b', 'c10']);
  });
});

describe('catalog cache', () => {
  beforeEach(() => useCatalog.setState({ registryId: undefined, repositories: [], loading: false, done: false, error: undefined, cachedAt: undefined }));

  it('shows the copy from the last visit at once, with its age, and replaces it when the registry answered', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // catalog:list answers only when the test says so.
    const api = buildApi({
      invoke: async (channel, args) => {
        if (channel === 'catalog:cached') {
          const offset = (args as { offset?: number }).offset ?? 0;
          return { ok: true, value: offset === 0 ? { savedAt: '2026-01-01T00:00:00Z', total: 3, items: ['old/a', 'old/b'], next: 2 } : { savedAt: '2026-01-01T00:00:00Z', total: 3, items: ['old/c'] } };
        }
        if (channel === 'catalog:list') {
          await gate;
          return { ok: true, value: { items: ['new/a', 'new/b'] } };
        }
        return { ok: false, error: { code: 'INTERNAL', message: channel } };
      },
      subscribe: () => () => undefined,
    });
    setApi(api);
    const loading = useCatalog.getState().load('cached-reg');
    await vi.waitFor(() => expect(useCatalog.getState().repositories).toEqual(['old/a', 'old/b', 'old/c']));
    expect(useCatalog.getState().cachedAt).toBe('2026-01-01T00:00:00Z');
    expect(useCatalog.getState().loading).toBe(true);
    release?.();
    await loading;
    expect(useCatalog.getState().repositories).toEqual(['new/a', 'new/b']);
    expect(useCatalog.getState().cachedAt).toBeUndefined();
  });
});
