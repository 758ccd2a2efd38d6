// Renders only the rows in view (plus a margin), so a list of 50,000 rows scrolls like one of 50. Rows have one
// fixed height; arrow keys move the active row and Enter opens it. The list is one tab stop (ARIA listbox with
// aria-activedescendant): Tab moves between regions, not rows; each row says its place (aria-posinset/setsize).
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly render: (item: T, index: number, active: boolean) => ReactNode;
  readonly onOpen?: (item: T) => void;
  readonly onVisible?: (items: readonly T[]) => void;
  readonly label: string;
  readonly overscan?: number;
  /** Take the keyboard focus when the list appears (a list just opened with Enter). */
  readonly focusOnMount?: boolean;
  /** A click on a row (Shift+click selects a range in lists that select). */
  readonly onRowClick?: (item: T, event: MouseEvent) => void;
  /** Space on the active row (toggles its selection in lists that select). */
  readonly onToggle?: (item: T) => void;
  /** Names a row across updates: when rows are inserted or removed above, the row at the top stays in view. */
  readonly itemKey?: (item: T) => string;
}

export function VirtualList<T>({ items, rowHeight, render, onOpen, onVisible, label, overscan = 10, focusOnMount = false, onRowClick, onToggle, itemKey }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const [scrollTop, setScrollTop] = useState(0);
  const anchor = useRef<{ readonly key: string; readonly offset: number } | undefined>(undefined);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (focusOnMount) ref.current?.focus({ preventScroll: true });
  }, [focusOnMount]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setHeight(element.clientHeight || 600);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight || 600));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Before painting new items, scroll to where the row that was at the top went (the list at the very top stays there).
  useLayoutEffect(() => {
    const element = ref.current;
    const top = anchor.current;
    if (!element || !top || !itemKey) return;
    const index = items.findIndex((item) => itemKey(item) === top.key);
    if (index < 0) return;
    const want = Math.max(0, index * rowHeight + top.offset);
    if (Math.abs(element.scrollTop - want) < 1) return;
    element.scrollTop = want;
    setScrollTop(element.scrollTop);
  }, [items, itemKey, rowHeight]);

  // The row that must not move when rows come or go above it: the one under the pointer (a click aimed at it must not
  // land on another that slid into its place), else the one at the top.
  const pointerY = useRef<number | undefined>(undefined);
  const holdAnchor = (element: HTMLDivElement): void => {
    const y = pointerY.current;
    const index = y === undefined ? Math.floor(element.scrollTop / rowHeight) : Math.floor((element.scrollTop + y - element.getBoundingClientRect().top) / rowHeight);
    const item = items[index];
    anchor.current = itemKey && (y !== undefined || element.scrollTop > 0) && item !== undefined ? { key: itemKey(item), offset: element.scrollTop - index * rowHeight } : undefined;
  };

  const onScroll = (element: HTMLDivElement): void => {
    setScrollTop(element.scrollTop);
    holdAnchor(element);
  };

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
    else if (event.key === ' ' && onToggle && items[active] !== undefined) onToggle(items[active] as T);
    else return;
    event.preventDefault();
  };

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  return (
    <div
      ref={ref}
      className="virtual"
      role="listbox"
      aria-label={label}
      aria-multiselectable={onToggle ? true : undefined}
      aria-activedescendant={items.length > 0 && activeIndex >= first && activeIndex < last ? `${idPrefix}-${activeIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(e) => onScroll(e.currentTarget)}
      onPointerMove={(e) => {
        pointerY.current = e.clientY;
        holdAnchor(e.currentTarget);
      }}
      onPointerLeave={(e) => {
        pointerY.current = undefined;
        holdAnchor(e.currentTarget);
      }}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {visible.map((item, i) => {
          const index = first + i;
          return (
            // Keys are handled by the listbox (aria-activedescendant); a row takes clicks too. A row's element is its
            // item's (keyed by it, not by place): a press and release across an update that moved rows never opens
            // the row that slid under the pointer.
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <div
              key={itemKey ? itemKey(item) : index}
              id={`${idPrefix}-${index}`}
              role="option"
              tabIndex={-1}
              aria-selected={index === activeIndex}
              aria-posinset={index + 1}
              aria-setsize={items.length}
              className={`vrow${index === activeIndex ? ' active' : ''}`}
              style={{ position: 'absolute', top: index * rowHeight, height: rowHeight, left: 0, right: 0 }}
              onClick={(event) => {
                setActive(index);
                onRowClick?.(item, event);
              }}
              onDoubleClick={() => onOpen?.(item)}
            >
              {render(item, index, index === activeIndex)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
