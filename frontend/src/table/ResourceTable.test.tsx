import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Row, Window } from '../api';
import { kindsById } from '../test/kindsFixture';
import { renderTable } from '../test/table';
import { SETTLE_MS } from './useRows';
import { WindowCache } from './windowCache';

const COUNT = 50_000;

function pod(i: number): Row {
  return {
    key: `load/pod-${i}`, kind: 'pods', name: `pod-${i}`, namespace: 'load', uid: String(i), created: 0, health: 'ok', status: 'Running',
    cells: [`pod-${i}`, 'load', '1/1', 'Running', '0', '0', '', 'node-1'],
  };
}

function table() {
  const cache = new WindowCache({
    fetch: (viewId, offset, limit): Promise<Window> =>
      Promise.resolve({ viewId, generation: 1, version: 1, count: COUNT, offset, rows: Array.from({ length: Math.min(limit, COUNT - offset) }, (_, k) => pod(offset + k)) }),
  });
  cache.attach({ id: 'v1', generation: 1, version: 1, count: COUNT, synced: true });
  const r = renderTable(kindsById.get('pods')!, cache, 0, { sortBy: 'name', desc: false });
  const scroller = r.container.querySelector('.tbody') as HTMLElement;
  const inner = r.container.querySelector('.tbody-inner') as HTMLElement;
  const shown = () => Array.from(inner.querySelectorAll('[data-testid="row"]')).map((el) => Number(el.getAttribute('aria-rowindex')) - 1);
  const scrollTo = (row: number) =>
    act(() => {
      scroller.scrollTop = row * 30;
      scroller.dispatchEvent(new Event('scroll'));
    });
  return { inner, shown, scrollTo };
}

/** flush lets the windows asked for (answered at once) land and render. */
const flush = () =>
  act(async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  });

describe('ResourceTable', () => {
  afterEach(() => vi.useRealTimers());

  it('reuses the elements on screen, in place, however far a scroll jumps', async () => {
    vi.useFakeTimers();
    const { inner, shown, scrollTo } = table();
    await flush();
    expect(shown()).toContain(0);
    scrollTo(1); // the scroll starts: rows leave index order, once
    await flush();
    const before = Array.from(inner.children);
    let moves = 0;
    const mo = new MutationObserver((records) => {
      for (const r of records) moves += r.addedNodes.length + r.removedNodes.length;
    });
    mo.observe(inner, { childList: true });
    // Dragging the scrollbar through 50,000 rows: ~80 rows a frame, then a
    // jump of tens of thousands, and on.
    const frame = async (row: number) => {
      scrollTo(row);
      await flush();
      act(() => vi.advanceTimersByTime(16));
    };
    for (let f = 1; f <= 40; f++) await frame(f * 83);
    expect(shown()).toContain(40 * 83 + 5); // the rows ahead were fetched in time
    for (let f = 0; f <= 5; f++) await frame(45_000 + f * 83);
    await act(async () => Promise.resolve()); // the observer's records
    mo.disconnect();
    expect(moves).toBe(0); // no element added, removed or moved among its siblings
    expect(Array.from(inner.children)).toEqual(before);
    // Stopped: the rows on screen are fetched, each shown once.
    await act(async () => vi.advanceTimersByTime(300));
    await flush();
    const rows = shown();
    expect(new Set(rows).size).toBe(rows.length);
    for (let i = 45_415; i < 45_415 + 19; i++) expect(rows).toContain(i);
  });

  it('puts the rows back in index order once the scroll stops, for assistive technology', async () => {
    vi.useFakeTimers();
    const { shown, scrollTo } = table();
    await flush();
    scrollTo(1_000);
    await flush();
    scrollTo(1_083);
    await flush();
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    expect(shown()).not.toEqual(sorted(shown())); // slot order while it moves
    act(() => vi.advanceTimersByTime(SETTLE_MS));
    expect(shown()).toEqual(sorted(shown()));
    expect(shown()).toContain(1_083);
  });
});
