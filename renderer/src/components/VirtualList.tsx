// Renders only the rows in view (plus a margin), so a list of 50,000 rows scrolls like one of 50. Rows have one
// fixed height; arrow keys move the active row and Enter opens it.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly render: (item: T, index: number, active: boolean) => ReactNode;
  readonly onOpen?: (item: T) => void;
  readonly onVisible?: (items: readonly T[]) => void;
  readonly label: string;
  readonly overscan?: number;
  /** Take the keyboard focus when the list appears (a list just opened with Enter). */
  readonly autoFocus?: boolean;
}

export function VirtualList<T>({ items, rowHeight, render, onOpen, onVisible, label, overscan = 10, autoFocus = false }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (autoFocus) ref.current?.focus({ preventScroll: true });
  }, [autoFocus]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setHeight(element.clientHeight || 600);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight || 600));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);

  useEffect(() => {
    onVisible?.(items.slice(Math.floor(scrollTop / rowHeight), Math.ceil((scrollTop + height) / rowHeight) + 1));
  }, [items, scrollTop, height, rowHeight, onVisible]);

  const move = (to: number): void => {
    const next = Math.max(0, Math.min(items.length - 1, to));
    setActive(next);
    const element = ref.current;
    if (!element) return;
    if (next * rowHeight < element.scrollTop) element.scrollTop = next * rowHeight;
    else if ((next + 1) * rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = (next + 1) * rowHeight - element.clientHeight;
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown') move(active + 1);
    else if (event.key === 'ArrowUp') move(active - 1);
    else if (event.key === 'PageDown') move(active + Math.floor(height / rowHeight));
    else if (event.key === 'PageUp') move(active - Math.floor(height / rowHeight));
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
    else if (event.key === 'Enter' && items[active] !== undefined) onOpen?.(items[active] as T);
    else return;
    event.preventDefault();
  };

  return (
    <div ref={ref} className="virtual" role="listbox" aria-label={label} tabIndex={0} onKeyDown={onKeyDown} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {visible.map((item, i) => (
          <div key={first + i} role="option" aria-selected={first + i === active} className={`vrow${first + i === active ? ' active' : ''}`} style={{ position: 'absolute', top: (first + i) * rowHeight, height: rowHeight, left: 0, right: 0 }} onClick={() => setActive(first + i)} onDoubleClick={() => onOpen?.(item)}>
            {render(item, first + i, first + i === active)}
          </div>
        ))}
      </div>
    </div>
  );
}
