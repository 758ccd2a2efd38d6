import { describe, expect, it } from 'vitest';
import { groupByNamespace, matcher } from './filter.js';

describe('catalog filter', () => {
  it('matches substrings, case-insensitively', () => {
    const match = matcher('API');
    expect(['team/api', 'team/web', 'apis'].filter(match)).toEqual(['team/api', 'apis']);
  });
  it('matches globs with * and ?', () => {
    const match = matcher('team-0?/svc-*');
    expect(['team-01/svc-a', 'team-10/svc-a', 'team-02/web'].filter(match)).toEqual(['team-01/svc-a']);
  });
  it('groups by namespace with counts, in order', () => {
    expect(groupByNamespace(['b/x', 'a/y', 'solo', 'a/z'])).toEqual([
      { kind: 'group', name: '(no namespace)', count: 1, namespace: '', collapsed: false },
      { kind: 'repository', name: 'solo' },
      { kind: 'group', name: 'a', count: 2, namespace: 'a', collapsed: false },
      { kind: 'repository', name: 'a/y' },
      { kind: 'repository', name: 'a/z' },
      { kind: 'group', name: 'b', count: 1, namespace: 'b', collapsed: false },
      { kind: 'repository', name: 'b/x' },
    ]);
  });
  it('keeps only the header of a collapsed group', () => {
    expect(groupByNamespace(['b/x', 'a/y', 'a/z'], new Set(['a']))).toEqual([
      { kind: 'group', name: 'a', count: 2, namespace: 'a', collapsed: true },
      { kind: 'group', name: 'b', count: 1, namespace: 'b', collapsed: false },
      { kind: 'repository', name: 'b/x' },
    ]);
  });
});
