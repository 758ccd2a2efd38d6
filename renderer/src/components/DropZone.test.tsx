import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTransfers } from '../stores/transfers.js';
import { DropZone } from './DropZone.js';

describe('DropZone', () => {
  afterEach(() => vi.restoreAllMocks());

  it('empties the file chooser after a choice, so choosing the same tarball again is not ignored', () => {
    // The upload itself fails here (no session token): only what reaches the store matters.
    const addDrop = vi.fn((_name: string, pending: Promise<string> | ((progress: (sent: number, total: number) => void) => Promise<string>)) =>
      (typeof pending === 'function' ? pending(() => undefined) : pending).then(() => undefined, () => undefined),
    );
    useTransfers.setState({ addDrop });
    render(<DropZone />);
    const input = screen.getByTestId('drop-input') as HTMLInputElement;
    const file = new File(['x'], 'image.tar');
    Object.defineProperty(input, 'files', { configurable: true, value: [file] });
    const values: string[] = [];
    Object.defineProperty(input, 'value', { configurable: true, get: () => 'C:\\fakepath\\image.tar', set: (v: string) => void values.push(v) });
    fireEvent.change(input);
    expect(addDrop).toHaveBeenCalledTimes(1);
    expect(addDrop.mock.calls[0]?.[0]).toBe('image.tar');
    expect(values).toEqual(['']);
  });
});
