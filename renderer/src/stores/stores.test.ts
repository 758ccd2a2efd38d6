import { beforeEach, describe, expect, it } from 'vitest';
import { buildApi, type RequestChannel, type Result } from '../../../shared/contract.js';
import type { PushEvent } from '../../../shared/push.js';
import { setApi } from '../lib/api.js';
import { mergeFresh, useCatalog } from './catalog.js';
import { useImage } from './image.js';
import { useRegistries } from './registries.js';
import { sortedTags, useRepository, type TagDetails } from './repository.js';
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
  beforeEach(() => useCatalog.setState({ registryId: undefined, repositories: [], loading: false, done: false, error: undefined, cachedAt: undefined, fetched: 0, collapsed: new Set() }));

  it('streams every page, following the cursor', async () => {
    const pages: Record<string, { items: string[]; next?: string }> = { start: { items: ['a', 'b'], next: 'p2' }, p2: { items: ['c'], next: 'p3' }, p3: { items: ['d'] } };
    fakeApi({ 'catalog:list': (args) => ({ ok: true, value: pages[(args as { cursor?: string }).cursor ?? 'start'] }), 'catalog:cached': () => ({ ok: true, value: { items: [], total: 0 } }) });
    await useCatalog.getState().load('reg');
    expect(useCatalog.getState().repositories).toEqual(['a', 'b', 'c', 'd']);
    expect(useCatalog.getState().done).toBe(true);
  });

  it('keeps the error code for the error state', async () => {
    fakeApi({ 'catalog:list': () => ({ ok: false, error: { code: 'DENIED', message: 'no catalog' } }), 'catalog:cached': () => ({ ok: true, value: { items: [], total: 0 } }) });
    await useCatalog.getState().load('reg2');
    expect(useCatalog.getState().error).toEqual({ code: 'DENIED', message: 'no catalog' });
  });

  it("keeps each registry's filter: typing in one catalog never filters another", async () => {
    fakeApi({ 'catalog:list': () => ({ ok: true, value: { items: ['a/1'] } }), 'catalog:cached': () => ({ ok: true, value: { items: [], total: 0 } }) });
    await useCatalog.getState().load('one');
    useCatalog.getState().setFilter('a/');
    await useCatalog.getState().load('two');
    expect(useCatalog.getState().filter).toBe('');
    useCatalog.getState().setFilter('b/');
    await useCatalog.getState().load('one');
    expect(useCatalog.getState().filter).toBe('a/');
  });

  it('cancels the walk in flight when another registry opens (request:cancel with its request id)', async () => {
    const calls: { channel: string; args: unknown; requestId?: string }[] = [];
    setApi(
      buildApi({
        invoke: async (channel, args, requestId) => {
          calls.push({ channel, args, ...(requestId ? { requestId } : {}) });
          if (channel === 'catalog:cached') return { ok: true, value: { items: [], total: 0 } };
          if (channel === 'catalog:list' && (args as { registryId: string }).registryId === 'slow') return new Promise<Result<unknown>>(() => undefined);
          if (channel === 'catalog:list') return { ok: true, value: { items: ['x'] } };
          return { ok: true, value: { cancelled: true } };
        },
        subscribe: () => () => undefined,
      }),
    );
    const slow = useCatalog.getState().load('slow');
    await new Promise((r) => setTimeout(r, 1));
    await useCatalog.getState().load('fast');
    await slow;
    const walk = calls.find((c) => c.channel === 'catalog:list' && (c.args as { registryId: string }).registryId === 'slow');
    expect(walk?.requestId).toBeDefined();
    expect(calls.filter((c) => c.channel === 'request:cancel').map((c) => c.args)).toEqual([{ requestId: walk?.requestId }]);
    expect(useCatalog.getState().repositories).toEqual(['x']);
    expect(useCatalog.getState().error).toBeUndefined();
  });
});

describe('catalog from the cache', () => {
  beforeEach(() => useCatalog.setState({ registryId: undefined, repositories: [], loading: false, done: false, error: undefined, cachedAt: undefined, fetched: 0, collapsed: new Set() }));

  /** A catalog whose pages wait until the test lets each one go. */
  function gatedCatalog(pages: Record<string, { items: string[]; next?: string }>, cached: { items: string[]; savedAt?: string }) {
    const copy = (limit: number | undefined) => ({ items: cached.items.slice(0, limit ?? cached.items.length), total: cached.items.length, ...(cached.savedAt ? { savedAt: cached.savedAt } : {}) });
    const gates: (() => void)[] = [];
    const asked: string[] = [];
    const api = buildApi({
      invoke: async (channel, args) => {
        if (channel === 'catalog:cached') return { ok: true, value: copy((args as { limit?: number }).limit) };
        if (channel !== 'catalog:list') return { ok: false, error: { code: 'INTERNAL', message: channel } };
        const cursor = (args as { cursor?: string }).cursor ?? 'start';
        asked.push(cursor);
        await new Promise<void>((resolve) => gates.push(resolve));
        return { ok: true, value: pages[cursor] };
      },
      subscribe: () => () => undefined,
    });
    setApi(api);
    const release = async (): Promise<void> => {
      while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    };
    return { release, asked };
  }

  it('shows the cached catalog with its age before any page, then replaces it page by page in place', async () => {
    const savedAt = '2026-11-23T07:00:00.000Z';
    const { release } = gatedCatalog({ start: { items: ['a/1', 'a/2'], next: 'p2' }, p2: { items: ['b/1', 'c/9'] } }, { items: ['a/1', 'b/1', 'b/2', 'c/1'], savedAt });
    const loading = useCatalog.getState().load('reg');
    await new Promise((r) => setTimeout(r, 1));
    expect(useCatalog.getState()).toMatchObject({ repositories: ['a/1', 'b/1', 'b/2', 'c/1'], cachedAt: savedAt, loading: true, done: false });
    await release();
    // The fresh first page, then the cached names after its last one: nothing above the fold vanishes.
    expect(useCatalog.getState()).toMatchObject({ repositories: ['a/1', 'a/2', 'b/1', 'b/2', 'c/1'], cachedAt: savedAt, fetched: 2 });
    await release();
    await loading;
    expect(useCatalog.getState()).toMatchObject({ repositories: ['a/1', 'a/2', 'b/1', 'c/9'], cachedAt: undefined, loading: false, done: true });
  });

  it('shows a screenful of a big cached copy first, then the whole copy', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `n/${String(i).padStart(4, '0')}`);
    const asked: (number | undefined)[] = [];
    let releaseWhole: () => void = () => undefined;
    const whole = new Promise<void>((resolve) => (releaseWhole = resolve));
    setApi(
      buildApi({
        invoke: async (channel, args) => {
          if (channel === 'catalog:list') return new Promise(() => undefined);
          const limit = (args as { limit?: number }).limit;
          asked.push(limit);
          if (limit === undefined) await whole;
          return { ok: true, value: { items: names.slice(0, limit ?? names.length), total: names.length, savedAt: '2026-11-23T07:00:00.000Z' } };
        },
        subscribe: () => () => undefined,
      }),
    );
    void useCatalog.getState().load('big');
    await new Promise((r) => setTimeout(r, 5));
    expect(useCatalog.getState().repositories.length).toBeLessThan(names.length);
    expect(useCatalog.getState().cachedTotal).toBe(names.length);
    releaseWhole();
    await new Promise((r) => setTimeout(r, 5));
    expect(useCatalog.getState().repositories).toEqual(names);
    expect(useCatalog.getState().cachedTotal).toBeUndefined();
    expect(asked).toEqual([200, undefined]);
  });

  it('keeps the filter and the collapsed groups through the refresh', async () => {
    const { release } = gatedCatalog({ start: { items: ['a/1', 'b/1'] } }, { items: ['a/1'], savedAt: '2026-11-23T07:00:00.000Z' });
    useCatalog.getState().setFilter('a/');
    const loading = useCatalog.getState().load('reg');
    await new Promise((r) => setTimeout(r, 1));
    useCatalog.getState().toggleGroup('a');
    await release();
    await loading;
    expect(useCatalog.getState().filter).toBe('a/');
    expect([...useCatalog.getState().collapsed]).toEqual(['a']);
    useCatalog.getState().toggleGroup('a');
    expect(useCatalog.getState().collapsed.size).toBe(0);
  });

  it('keeps the cached rows, still marked, when the refresh fails', async () => {
    const savedAt = '2026-11-23T07:00:00.000Z';
    setApi(
      buildApi({
        invoke: async (channel) => (channel === 'catalog:cached' ? { ok: true, value: { items: ['x/1'], total: 1, savedAt } } : { ok: false, error: { code: 'NETWORK', message: 'down' } }),
        subscribe: () => () => undefined,
      }),
    );
    await useCatalog.getState().load('reg');
    expect(useCatalog.getState()).toMatchObject({ repositories: ['x/1'], cachedAt: savedAt, error: { code: 'NETWORK' } });
  });

  it('merges only in order: an unordered fresh listing leaves the cached list until it is complete', () => {
    expect(mergeFresh([], ['a', 'b'], true)).toEqual(['a', 'b']);
    expect(mergeFresh(['a', 'c'], ['a', 'b', 'c', 'd'], true)).toEqual(['a', 'c', 'd']);
    expect(mergeFresh(['a', 'bb'], ['a', 'b', 'c'], true)).toEqual(['a', 'bb', 'c']);
    expect(mergeFresh(['c', 'a'], ['a', 'b'], false)).toEqual(['a', 'b']);
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

describe('lists and status that follow the registry', () => {
  it('a copy into the registry on screen refreshes its catalog and its tag list, as a push does', async () => {
    const asked: string[] = [];
    const fake = fakeApi({
      'push:list': () => ({ ok: true, value: [] }),
      'catalog:list': (args) => (asked.push(`catalog ${(args as { registryId: string }).registryId}`), { ok: true, value: { items: ['team/app'] } }),
      'catalog:cached': () => ({ ok: true, value: { items: [], total: 0 } }),
      'tags:list': (args) => (asked.push(`tags ${(args as { repository: string }).repository}`), { ok: true, value: { items: ['1'] } }),
    });
    await initTransfers();
    useCatalog.setState({ registryId: 'dest' });
    useRepository.setState({ key: undefined, registryId: 'dest', repository: 'team/app' });
    useTransfers.getState().track('c1', { kind: 'copy', target: 'Dest/team/app:1', archive: 'Src/team/app:1' }, { registryId: 'dest', repository: 'team/app', reference: '1' });
    fake.emit('push:finished', { jobId: 'c1', kind: 'copy', target: 'Dest/team/app:1', archive: 'Src/team/app:1', state: 'pushed', startedAt: '2026-01-01T00:00:00Z', digest: 'sha256:abc' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual(['catalog dest', 'tags team/app']);
  });

  it('a registry that went down turns red on the next failed call, opening an image too, and green when it answers', async () => {
    useRegistries.setState({ status: { reg: { ok: true, auth: 'none' } } });
    fakeApi({ 'image:summary': () => ({ ok: false, error: { code: 'NETWORK', message: 'connection refused' } }), 'registries:test': () => ({ ok: true, value: { ok: true, auth: 'none' } }) });
    await useImage.getState().load('reg', 'team/app', '1');
    expect(useRegistries.getState().status.reg).toEqual({ ok: false, code: 'NETWORK', message: 'connection refused' });
    fakeApi({ 'image:summary': () => ({ ok: true, value: { platforms: [] } }), 'registries:test': () => ({ ok: true, value: { ok: true, auth: 'none' } }) });
    await useImage.getState().load('reg', 'team/app', '2');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(useRegistries.getState().status.reg).toEqual({ ok: true, auth: 'none' });
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

describe('registries store', () => {
  it('loads the registries once however many ask first: the page entry (before React) and the App on mount', async () => {
    let lists = 0;
    fakeApi({
      'registries:list': () => ({ ok: true, value: [{ id: 'one', name: 'One', url: 'one.example', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [], hasSecret: false }] }),
      'app:info': () => ({ ok: true, value: { secureStore: false } }),
      'registries:test': () => ({ ok: true, value: { ok: true, auth: 'none' } }),
    });
    const counting = useRegistries.getState().load;
    useRegistries.setState({
      load: () => {
        lists++;
        return counting();
      },
    });
    const fromEntry = useRegistries.getState().ensureLoaded();
    const fromApp = useRegistries.getState().ensureLoaded();
    await Promise.all([fromEntry, fromApp]);
    await useRegistries.getState().ensureLoaded();
    expect(lists).toBe(1);
    expect(useRegistries.getState().list.map((r) => r.name)).toEqual(['One']);
  });
});
