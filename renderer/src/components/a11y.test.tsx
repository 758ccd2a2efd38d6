import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog.js';
import { VirtualList } from './VirtualList.js';

describe('list and dialog keyboard patterns', () => {
  it('a list is one tab stop naming its active row, each row with its place in the whole list', () => {
    const items = Array.from({ length: 1000 }, (_, i) => `item-${i}`);
    const toggle = vi.fn();
    render(<VirtualList items={items} rowHeight={30} label="Things" onToggle={toggle} render={(item) => <button type="button" tabIndex={-1}>{item}</button>} />);
    const list = screen.getByRole('listbox', { name: 'Things' });
    expect(list.getAttribute('tabindex')).toBe('0');
    const options = screen.getAllByRole('option');
    expect(options.every((o) => o.getAttribute('tabindex') === '-1')).toBe(true);
    expect(options[0]?.getAttribute('aria-posinset')).toBe('1');
    expect(options[0]?.getAttribute('aria-setsize')).toBe('1000');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe(options[1]?.id);
    fireEvent.keyDown(list, { key: ' ' });
    expect(toggle).toHaveBeenCalledWith('item-1');
  });

  it('a dialog takes focus, keeps Tab inside, closes on Esc and gives focus back', () => {
    function Host() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Open
          </button>
          {open && (
            <Dialog label="Example" onClose={() => setOpen(false)}>
              <input aria-label="First" />
              <button type="button">Last</button>
            </Dialog>
          )}
        </>
      );
    }
    render(<Host />);
    const opener = screen.getByRole('button', { name: 'Open' });
    opener.focus();
    fireEvent.click(opener);
    const first = screen.getByLabelText('First');
    const last = screen.getByRole('button', { name: 'Last' });
    expect(document.activeElement).toBe(first);
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
    fireEvent.keyDown(last, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
