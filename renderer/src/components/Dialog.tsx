// A modal dialog: focus moves into it (to the element marked data-initial-focus, or the first field), Tab stays
// inside it, Esc closes it, and focus goes back to where it was when it closes. Keys are caught on the window, so
// they work even when the focused button was disabled under the pointer (focus fell back to the page).
import { useEffect, useRef, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({ label, onClose, className, children }: { readonly label: string; readonly onClose: () => void; readonly className?: string; readonly children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const box = ref.current;
    const initial = box?.querySelector<HTMLElement>('[data-initial-focus]') ?? box?.querySelector<HTMLElement>(FOCUSABLE);
    initial?.focus();
    const onKey = (event: KeyboardEvent): void => {
      const dialog = ref.current;
      if (!dialog) return;
      if (event.key === 'Escape') {
        // Handled here, before the window's own Esc (which goes back a view).
        event.stopPropagation();
        event.preventDefault();
        close.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      const inside = dialog.contains(document.activeElement);
      if (!inside || (event.shiftKey && document.activeElement === first) || (!event.shiftKey && document.activeElement === last)) {
        event.preventDefault();
        (event.shiftKey ? last : first).focus();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus();
    };
  }, []);

  return (
    <div className="modal">
      <div ref={ref} className={className ?? 'card'} role="dialog" aria-modal="true" aria-label={label}>
        {children}
      </div>
    </div>
  );
}
