import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Bytes, ErrorState, When } from './common.js';
import { VirtualList } from './VirtualList.js';

describe('VirtualList', () => {
  it('renders only the rows in view, however long the list', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => `repo-${i}`);
    render(<VirtualList items={items} rowHeight={30} label="Repositories" render={(item) => <span>{item}</span>} />);
    const rendered = screen.getAllByRole('option');
    expect(rendered.length).toBeLessThan(100);
    expect(screen.getByText('repo-0')).toBeTruthy();
  });

  it('moves with the arrow keys and opens with Enter', () => {
    const onOpen = vi.fn();
    render(<VirtualList items={['a', 'b', 'c']} rowHeight={30} label="List" onOpen={onOpen} render={(item) => <span>{item}</span>} />);
    const list = screen.getByRole('listbox', { name: 'List' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith('c');
  });

  it('a row pressed before rows come in above it opens that row, not the one that took its place', () => {
    // A catalog page arrives between press and release: a name without namespace joins the group at the top.
    const onRowClick = vi.fn();
    const props = { rowHeight: 30, label: 'Repositories', itemKey: (item: string) => item, onRowClick, render: (item: string) => <span>{item}</span> };
    const { rerender } = render(<VirtualList {...props} items={['team/a', 'team/b', 'team/c']} />);
    const pressed = screen.getByText('team/b').closest('[role="option"]') as HTMLElement;
    fireEvent.pointerMove(pressed, { clientY: 45 });
    fireEvent.mouseDown(pressed);
    rerender(<VirtualList {...props} items={['alpine', 'team/a', 'team/b', 'team/c']} />);
    fireEvent.mouseUp(pressed);
    fireEvent.click(pressed);
    expect(onRowClick).toHaveBeenCalledTimes(1);
    expect(onRowClick.mock.calls[0]?.[0]).toBe('team/b');
    expect(pressed.textContent).toBe('team/b');
  });
});

describe('common pieces', () => {
  it('shows sizes in human units with exact bytes on hover', () => {
    render(<Bytes value={123456789} />);
    expect(screen.getByText('123 MB').getAttribute('title')).toBe('123,456,789 bytes');
  });
  it('shows recent dates relative, older ones as the day (months apart never read alike), the rest on hover', () => {
    render(<When iso={new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString()} />);
    expect(screen.getByText('3 days ago')).toBeTruthy();
    // Seven months apart, both over a year old: "1 year ago" would say the same of both.
    render(<When iso="2020-01-10T12:00:00Z" />);
    render(<When iso="2020-08-10T12:00:00Z" />);
    expect(screen.getByText('2020-08-10')).toBeTruthy();
    const older = screen.getByText('2020-01-10');
    expect(older.getAttribute('title')).toContain('2020');
    expect(older.getAttribute('title')).toMatch(/years ago/);
  });
  it('shows the engine message and code, with a retry', () => {
    const retry = vi.fn();
    render(<ErrorState error={{ code: 'AUTH_FAILED', message: 'wrong password' }} onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('AUTH_FAILED');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalled();
  });
});
