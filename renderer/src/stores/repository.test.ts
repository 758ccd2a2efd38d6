import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, type RequestChannel, type Result, type TagSummaries } from '../../../shared/contract.js';
import type { TagRow } from '../../../shared/image.js';
import { setApi } from '../lib/api.js';
import { pendingCount, sortedTags, tagsSharingDigest, useRepository } from './repository.js';

interface Call {
  readonly channel: RequestChannel;
  readonly args: Record<string, unknown>;
  readonly requestId?: string;
}

/** A fake host: each channel answers through a function that may hold its answer back. */
function fakeHost(answer: (call: Call) => Promise<Result<unknown>>) {
  const calls: Call[] = [];
  setApi(
    buildApi({
      invoke: (channel, args, requestId) => {
        const call: Call = { channel, args: args as Record<string, unknown>, ...(requestId ? { requestId } : {}) };
        calls.push(call);
        return answer(call);
      },
      subscribe: () => () => undefined,
    }),
  );
  return calls;
}

const row = (tag: string, size: number, created: string): TagRow => ({ tag, info: { digest: `sha256:${String(size).padStart(64, '0')}`, mediaType: 'm', kind: 'manifest', totalSize: size, created, platforms: [] } });
const ok = <T>(value: T): Promise<Result<unknown>> => Promise.resolve({ ok: true, value });

/** Sizes and dates that do not follow the names, so a sort over only the first rows would show. */
const sizeOf = (i: number): number => ((i * 7919) % 1000) * 1000 + i;
const dateOf = (i: number): string => new Date(Date.UTC(2026, 0, 1) + ((i * 104_729) % 500) * 86_400_000 + i * 1000).toISOString();

describe('repository store', () => {
  beforeEach(() => useRepository.setState({ key: undefined, tags: [], details: new Map(), filters: {}, sort: { key: 'name', descending: false } }));
  afterEach(() => vi.useRealTimers());

  it('loads every tag in batches and sorts by size and date over all of them, marked partial until complete', async () => {
    const tags = Array.from({ length: 430 }, (_, i) => `1.${i}`);
    const release: (() => void)[] = [];
    const calls = fakeHost((call) => {
      if (call.channel === 'tags:list') return ok({ items: tags });
      if (call.channel === 'tags:summaries') {
        const batch = call.args.tags as string[];
        const value: TagSummaries = { items: batch.map((t) => row(t, sizeOf(Number(t.slice(2))), dateOf(Number(t.slice(2))))), deletable: true };
        // The first batch answers at once; the rest wait until the test lets them.
        return release.length === 0 && calls.filter((c) => c.channel === 'tags:summaries').length === 1 ? ok(value) : new Promise((resolve) => release.push(() => resolve({ ok: true, value })));
      }
      return ok({ cancelled: false });
    });
    await useRepository.getState().load('reg', 'app');
    const state = () => useRepository.getState();
    expect(state().tags).toHaveLength(430);
    expect(state().tags.slice(0, 3)).toEqual(['1.0', '1.1', '1.2']);
    expect(state().tags.at(-1)).toBe('1.429');
    await vi.waitFor(() => expect(state().details.size).toBe(50));
    expect(pendingCount(state().tags, state().details)).toBe(380);
    // Never more than three batches in flight, and none larger than the contract allows.
    expect(calls.filter((c) => c.channel === 'tags:summaries')).toHaveLength(4);
    for (let i = 0; i < 20 && release.length > 0; i++) {
      release.splice(0).forEach((r) => r());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await vi.waitFor(() => expect(state().details.size).toBe(430));
    const summaryCalls = calls.filter((c) => c.channel === 'tags:summaries');
    expect(summaryCalls.every((c) => (c.args.tags as string[]).length <= 50)).toBe(true);
    expect(new Set(summaryCalls.flatMap((c) => c.args.tags as string[])).size).toBe(430);
    // Computed here, independently, from the same numbers.
    const bySize = [...tags].sort((a, b) => sizeOf(Number(b.slice(2))) - sizeOf(Number(a.slice(2))));
    expect(sortedTags(state().tags, state().details, { key: 'size', descending: true })).toEqual(bySize);
    const byDate = [...tags].sort((a, b) => Date.parse(dateOf(Number(a.slice(2)))) - Date.parse(dateOf(Number(b.slice(2)))));
    expect(sortedTags(state().tags, state().details, { key: 'created', descending: false })).toEqual(byDate);
  });

  it('switching repository while summaries load cancels them and never stalls the new list', async () => {
    const calls = fakeHost((call) => {
      if (call.channel === 'tags:list') return ok({ items: call.args.repository === 'slow' ? Array.from({ length: 500 }, (_, i) => `s${i}`) : ['a', 'b'] });
      if (call.channel === 'tags:summaries' && call.args.repository === 'slow') return new Promise(() => undefined); // never answers
      if (call.channel === 'tags:summaries') return ok({ items: (call.args.tags as string[]).map((t) => row(t, 1, '2026-01-01T00:00:00Z')), deletable: true });
      return ok({ cancelled: true });
    });
    await useRepository.getState().load('reg', 'slow');
    useRepository.getState().want(['s10', 's11', 's12', 's13', 's14', 's15']);
    const slow = calls.filter((c) => c.channel === 'tags:summaries');
    expect(slow.length).toBe(3);
    await useRepository.getState().load('reg', 'fast');
    await vi.waitFor(() => expect(useRepository.getState().details.size).toBe(2));
    expect(useRepository.getState().tags).toEqual(['a', 'b']);
    // Every request of the old repository was cancelled by its id.
    const cancelled = calls.filter((c) => c.channel === 'request:cancel').map((c) => c.args.requestId);
    expect(cancelled.sort()).toEqual(slow.map((c) => c.requestId).sort());
    expect(slow.every((c) => c.requestId !== undefined)).toBe(true);
  });

  it('keeps a filter per registry and repository', async () => {
    fakeHost((call) => (call.channel === 'tags:list' ? ok({ items: ['x'] }) : ok({ items: [], deletable: true })));
    await useRepository.getState().load('one', 'app');
    useRepository.getState().setFilter('1.*');
    await useRepository.getState().load('two', 'app');
    expect(useRepository.getState().filters).toEqual({ 'one/app': '1.*' });
    useRepository.getState().setFilter('abc');
    useRepository.getState().setFilter('');
    expect(useRepository.getState().filters).toEqual({ 'one/app': '1.*' });
  });

  it('names the other tags on a digest to be deleted, and selects a range', () => {
    const a = row('a', 5, '2026-01-01T00:00:00Z');
    const details = new Map([
      ['a', { state: 'ready', info: 'info' in a ? a.info : (undefined as never) }],
      ['b', { state: 'ready', info: 'info' in a ? a.info : (undefined as never) }],
      ['c', { state: 'ready', info: { ...('info' in a ? a.info : (undefined as never)), digest: 'sha256:other' } }],
    ] as const);
    expect(tagsSharingDigest(['a'], ['a', 'b', 'c'], new Map(details))).toEqual(['b']);
    useRepository.setState({ selected: new Set(), anchor: undefined });
    useRepository.getState().toggle('b');
    useRepository.getState().selectRange(['a', 'b', 'c', 'd', 'e'], 'd');
    expect([...useRepository.getState().selected].sort()).toEqual(['b', 'c', 'd']);
  });
});
