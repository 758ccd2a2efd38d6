import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, type Result } from '../../../shared/contract.js';
import type { TagRow } from '../../../shared/image.js';
import { setApi } from '../lib/api.js';
import { useCompare } from '../stores/compare.js';
import { useRepository } from '../stores/repository.js';
import { RepositoryView } from './RepositoryView.js';

const row = (tag: string, size: number): TagRow => ({ tag, info: { digest: `sha256:${String(size).padStart(64, '0')}`, mediaType: 'm', kind: 'manifest', totalSize: size, created: '2026-01-01T00:00:00Z', platforms: [] } });

function fake(tags: readonly string[], answered: (tag: string) => boolean) {
  setApi(
    buildApi({
      invoke: (channel, args): Promise<Result<unknown>> => {
        if (channel === 'tags:list') return Promise.resolve({ ok: true, value: { items: tags } });
        if (channel === 'tags:summaries') {
          const batch = (args as { tags: string[] }).tags;
          if (!batch.every(answered)) return new Promise(() => undefined);
          return Promise.resolve({ ok: true, value: { items: batch.map((t) => row(t, t.length * 1000)), deletable: true } });
        }
        return Promise.resolve({ ok: true, value: { cancelled: false } });
      },
      subscribe: () => () => undefined,
    }),
  );
}

describe('RepositoryView', () => {
  beforeEach(() => useRepository.setState({ key: undefined, tags: [], details: new Map(), filters: {}, sort: { key: 'name', descending: false }, selected: new Set() }));

  it('filters tags by text or glob, says when nothing matches, and Esc clears the filter', async () => {
    fake(['1.0', '1.1', '2.0', 'latest'], () => true);
    render(<RepositoryView registryId="r" repository="app" />);
    const box = await screen.findByRole('searchbox', { name: 'Filter tags' });
    fireEvent.change(box, { target: { value: '1.*' } });
    expect(screen.getByText('1.0')).toBeTruthy();
    expect(screen.queryByText('latest')).toBeNull();
    expect(screen.getByText(/2 of 4 match/)).toBeTruthy();
    fireEvent.change(box, { target: { value: 'nothing-like-this' } });
    expect(screen.getByText('No tags match “nothing-like-this”.')).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe('');
    expect(screen.getByText('latest')).toBeTruthy();
  });

  it('marks a sort partial while summaries are loading', async () => {
    // Only the first batch answers: the rest stay loading.
    const tags = Array.from({ length: 120 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    const first = new Set(tags.slice(0, 50));
    fake(tags, (t) => first.has(t));
    render(<RepositoryView registryId="r" repository="big" />);
    await screen.findByRole('searchbox', { name: 'Filter tags' });
    await vi.waitFor(() => expect(useRepository.getState().details.size).toBe(50));
    act(() => useRepository.getState().setSort('size'));
    expect(screen.getByText(/sorted by size over 50 of 120 tags so far \(partial\)/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sort by Size' }).textContent).toContain('(partial)');
    expect(screen.getByText(/details loading for 70/)).toBeTruthy();
  });

  it('a refresh button asks the registry for the tags again and shows what it says now', async () => {
    fake(['1.0'], () => true);
    render(<RepositoryView registryId="r" repository="fresh" />);
    await screen.findByText('1.0');
    fake(['1.0', '2.0'], () => true);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh tags' }));
    expect(await screen.findByText('2.0')).toBeTruthy();
  });

  it('the size chart shows the tags the filter leaves', async () => {
    fake(['1.0', '1.1', '2.0', 'latest'], () => true);
    render(<RepositoryView registryId="r" repository="chart" />);
    const box = await screen.findByRole('searchbox', { name: 'Filter tags' });
    await vi.waitFor(() => expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/of 4 tags/));
    fireEvent.change(box, { target: { value: '1.*' } });
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(/of 2 tags/);
  });

  it('"Compare selected" compares exactly the tags selected now, not earlier picks', async () => {
    useCompare.setState({ picks: [{ registryId: 'r', repository: 'cmp', reference: 'old-a' }, { registryId: 'r', repository: 'cmp', reference: 'old-b' }] });
    fake(['1.0', '1.1', '2.0'], () => true);
    render(<RepositoryView registryId="r" repository="cmp" />);
    await screen.findByText('1.0');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select 1.0' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select 2.0' }));
    fireEvent.click(screen.getByRole('button', { name: 'Compare selected' }));
    expect(useCompare.getState().picks.map((p) => p.reference)).toEqual(['1.0', '2.0']);
  });
});
