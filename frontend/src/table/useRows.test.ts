import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useRows } from './useRows';

// jsdom gives every element a clientHeight of 600 (test/setup.ts).
function scroller(top = 0) {
  const el = document.createElement('div');
  el.scrollTop = top;
  return { current: el };
}

describe('useRows', () => {
  it('finds the rows on screen below the header, with overscan', () => {
    const ref = scroller(300);
    const { result } = renderHook(() => useRows(ref, 50_000, 30, 32, 4));
    expect(result.current.first).toBe(10); // 300 px down
    expect(result.current.last).toBe(28); // 568 px of rows under the 32 px header
    expect(result.current.drawFirst).toBe(6);
    expect(result.current.drawLast).toBe(32);
  });

  it('follows the scroll and clamps at the end', () => {
    const ref = scroller();
    const { result } = renderHook(() => useRows(ref, 40, 30, 32, 4));
    expect(result.current.last).toBe(18);
    act(() => {
      ref.current.scrollTop = 900;
      ref.current.dispatchEvent(new Event('scroll'));
    });
    expect(result.current.first).toBe(30);
    expect(result.current.last).toBe(39);
    expect(result.current.drawLast).toBe(39);
  });

  it('scrolls as little as it can to bring a row on screen', () => {
    const ref = scroller(300);
    const { result } = renderHook(() => useRows(ref, 1000, 30, 32, 4));
    result.current.scrollTo(15); // on screen already
    expect(ref.current.scrollTop).toBe(300);
    result.current.scrollTo(100); // below: lands at the bottom edge
    expect(ref.current.scrollTop).toBe(101 * 30 - 568);
    result.current.scrollTo(2); // above: lands at the top edge
    expect(ref.current.scrollTop).toBe(60);
  });

  it('never draws more rows than its capacity, wherever the scroll is', () => {
    const ref = scroller();
    const { result } = renderHook(() => useRows(ref, 50_000, 30, 32, 4));
    const capacity = result.current.capacity;
    let most = 0;
    for (let top = 0; top < 3000; top += 7) {
      act(() => {
        ref.current.scrollTop = top;
        ref.current.dispatchEvent(new Event('scroll'));
      });
      expect(result.current.capacity).toBe(capacity);
      most = Math.max(most, result.current.drawLast - result.current.drawFirst + 1);
    }
    expect(most).toBe(capacity); // and it is reached: slots are not wasted
  });

  it('draws nothing for an empty view', () => {
    const { result } = renderHook(() => useRows(scroller(), 0, 30, 32, 4));
    expect(result.current.last).toBeLessThan(result.current.first);
    expect(result.current.drawLast).toBeLessThan(result.current.drawFirst);
  });

  it('pinned, draws the last rows whatever the scroll position says, growing with the count', () => {
    const ref = scroller(0);
    const { result, rerender } = renderHook(({ count }) => useRows(ref, count, 20, 0, 5, 0), { initialProps: { count: 1000 } });
    expect(result.current.last).toBe(999);
    expect(result.current.first).toBe(1000 - 30); // 600 px of 20 px rows
    expect(result.current.drawFirst).toBe(1000 - 30 - 5);
    rerender({ count: 1500 });
    expect(result.current.last).toBe(1499); // before any scroll event
    expect(result.current.drawFirst).toBe(1500 - 35);
  });

  it('sync reads a scroll position set by code, without waiting for its event', () => {
    const ref = scroller(0);
    const { result } = renderHook(() => useRows(ref, 1000, 20, 0, 5));
    expect(result.current.first).toBe(0);
    act(() => {
      ref.current.scrollTop = 2000; // no scroll event dispatched
      result.current.sync();
    });
    expect(result.current.first).toBe(100);
  });
});
