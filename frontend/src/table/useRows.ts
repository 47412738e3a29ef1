import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export interface RowRange {
  /** The rows on screen, first and last (last < first when there are none). */
  first: number;
  last: number;
  /** The rows to draw: those on screen and overscan more either side. */
  drawFirst: number;
  drawLast: number;
  /**
   * The most rows drawn at this viewport height, wherever the scroll is:
   * drawLast - drawFirst + 1 never exceeds it.
   */
  capacity: number;
  /** The scroll moved within the last SETTLE_MS. */
  moving: boolean;
  /** scrollTo brings row index on screen, scrolling as little as it can. */
  scrollTo: (index: number) => void;
  /**
   * sync reads the scroll position now, for a layout effect that has just
   * moved it: the rows follow in the same commit instead of one render
   * later, when the scroll event comes.
   */
  sync: () => void;
}

/**
 * useRows virtualizes rows of one height in a scroller whose sticky header
 * (header px) sits above them: which rows are on screen follows from the
 * scroll position and the height alone, in constant time and memory. (A
 * general virtualizer keeps a measurement per row: 24 bytes each, 2.4 MB
 * at 100,000 rows, and recomputes them all whenever the count changes.)
 * A scroll renders within its own event, before the frame is painted.
 */
/** A scroll still this long has stopped (see RowRange.moving). */
export const SETTLE_MS = 150;

/**
 * pinned (px below the rows, or undefined) draws the rows as if the
 * scroller sat at its bottom, whatever it last reported: a view that follows
 * the end draws the new rows in the render that adds them, before the
 * browser has scrolled to them.
 */
export function useRows(
  scroller: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  header: number,
  overscan: number,
  pinned?: number,
): RowRange {
  const [view, setView] = useState({ top: 0, height: 0 });
  const [moving, setMoving] = useState(false);
  const sync = useCallback(() => {
    const el = scroller.current;
    if (el) setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
  }, [scroller]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    sync();
    let settle: ReturnType<typeof setTimeout> | undefined;
    const onScroll = () => {
      flushSync(() => {
        sync();
        setMoving(true);
      });
      clearTimeout(settle);
      settle = setTimeout(() => setMoving(false), SETTLE_MS);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(sync);
    ro?.observe(el);
    return () => {
      clearTimeout(settle);
      el.removeEventListener('scroll', onScroll);
      ro?.disconnect();
    };
  }, [scroller, sync]);
  const rowsHigh = Math.max(0, view.height - header);
  const top = pinned === undefined ? view.top : Math.max(0, header + count * rowHeight + pinned - view.height);
  const first = Math.min(count, Math.floor(top / rowHeight));
  const last = Math.min(count - 1, Math.ceil((top + rowsHigh) / rowHeight) - 1);
  const scrollTo = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const top = index * rowHeight;
      const room = el.clientHeight - header;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + room) el.scrollTop = top + rowHeight - room;
    },
    [scroller, rowHeight, header],
  );
  return {
    first,
    last,
    drawFirst: Math.max(0, first - overscan),
    drawLast: Math.min(count - 1, last + overscan),
    capacity: Math.ceil(rowsHigh / rowHeight) + 1 + 2 * overscan,
    moving,
    scrollTo,
    sync,
  };
}
