import { act, render, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Row, Window } from '../api';
import { kindInfo } from '../kinds';
import { ResourceTable } from './ResourceTable';
import { WindowCache } from './windowCache';

const COUNT = 50_000;

function pod(i: number): Row {
  return { key: `load/pod-${i}`, kind: 'pods', name: `pod-${i}`, namespace: 'load', uid: String(i), created: 0, health: 'ok', status: 'Running' };
}

function table() {
  const cache = new WindowCache({
    fetch: (viewId, offset, limit): Promise<Window> =>
      Promise.resolve({ viewId, generation: 1, version: 1, count: COUNT, offset, rows: Array.from({ length: Math.min(limit, COUNT - offset) }, (_, k) => pod(offset + k)) }),
  });
  cache.attach({ id: 'v1', generation: 1, version: 1, count: COUNT, synced: true });
  const none = () => undefined;
  const r = render(
    <ResourceTable
      kind={kindInfo('pods')}
      namespace=""
      cache={cache}
      state="ready"
      now={0}
      sort={{ sortBy: 'name', desc: false }}
      onSort={none}
      selectedKey={null}
      onSelect={none}
      onOpen={none}
      empty={null}
      loading={null}
      error={null}
    />,
  );
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

describe('ResourceTable', () => {
  it('reuses the elements on screen, in place, however far a scroll jumps', async () => {
    const { inner, shown, scrollTo } = table();
    await waitFor(() => expect(shown()).toContain(0));
    const before = Array.from(inner.children);
    let moves = 0;
    const mo = new MutationObserver((records) => {
      for (const r of records) moves += r.addedNodes.length + r.removedNodes.length;
    });
    mo.observe(inner, { childList: true });
    // A drag through 50,000 rows: ~80 rows a frame, and a jump of thousands.
    for (const row of [83, 166, 249, 5_000, 5_083, 49_000]) {
      scrollTo(row);
      await waitFor(() => expect(shown()).toContain(row + 5));
      await act(() => Promise.resolve());
    }
    mo.disconnect();
    expect(moves).toBe(0); // no element added, removed or moved among its siblings
    expect(Array.from(inner.children)).toEqual(before);
    // every row on screen is there, each once
    const rows = shown().sort((a, b) => a - b);
    expect(new Set(rows).size).toBe(rows.length);
    for (let i = 49_000; i < 49_000 + 19; i++) expect(rows).toContain(i);
  });
});
