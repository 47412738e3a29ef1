import { useEffect } from 'react';

/**
 * useEscape calls onEscape when Escape is pressed anywhere, while the
 * component is mounted: a dialog's close. With consume, the key goes no
 * further: it is heard on the document, before the app's own shortcuts on
 * the window, and marked handled, so a dialog inside the details panel
 * closes without closing the panel.
 */
export function useEscape(onEscape: () => void, consume = false): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      if (consume) e.preventDefault();
      onEscape();
    };
    const on: Document | Window = consume ? document : window;
    on.addEventListener('keydown', onKey as EventListener);
    return () => on.removeEventListener('keydown', onKey as EventListener);
  }, [onEscape, consume]);
}
