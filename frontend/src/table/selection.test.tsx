import { act, fireEvent, render } from '@testing-library/react';
import { createRef } from 'react';
import { describe, expect, it } from 'vitest';
import type { Row, Window } from '../api';
import { kindsById } from '../test/kindsFixture';
import { ResourceTable, type TableHandle } from './ResourceTable';
import { Selection, splitKey } from './selection';
import { WindowCache } from './windowCache';

const keys = ['shop/a', 'shop/b', 'shop/c', 'shop/d', 'shop/e'];
const keyAt = (i: number) => keys[i];

describe('Selection', () => {
  it('selects one row, toggles others in and out, and makes ranges from the anchor', () => {
    const s = new Selection();
    s.only(1, 'shop/b');
    expect(s.selected()).toEqual(['shop/b']);
    s.toggle(3, 'shop/d');
    expect(s.selected().sort()).toEqual(['shop/b', 'shop/d']);
    s.toggle(1, 'shop/b');
    expect(s.selected()).toEqual(['shop/d']);
    // The anchor is the last toggled row (1): a range to 3 takes 1..3.
    s.range(3, keyAt);
    expect(s.selected().sort()).toEqual(['shop/b', 'shop/c', 'shop/d']);
    // Another range from the same anchor replaces it, either way.
    s.range(0, keyAt);
    expect(s.selected().sort()).toEqual(['shop/a', 'shop/b']);
  });

  it('extends from the anchor with the keyboard, both ways, clamped', () => {
    const s = new Selection();
    s.only(2, 'shop/c');
    expect(s.extend(1, keys.length, keyAt)).toBe(3);
    expect(s.extend(1, keys.length, keyAt)).toBe(4);
    expect(s.extend(1, keys.length, keyAt)).toBe(4);
    expect(s.selected().sort()).toEqual(['shop/c', 'shop/d', 'shop/e']);
    s.extend(-3, keys.length, keyAt);
    expect(s.selected().sort()).toEqual(['shop/b', 'shop/c']);
  });

  it('is kept by key: rows moving keep it, and a change bumps one version', () => {
    const s = new Selection();
    let heard = 0;
    s.subscribe(() => heard++);
    s.only(0, 'shop/a');
    s.toggle(4, 'shop/e');
    expect(heard).toBe(2);
    // The rows re-sorted: the same keys are still selected wherever they are.
    expect(s.has('shop/e') && s.has('shop/a')).toBe(true);
    s.only(0, 'shop/a');
    s.only(0, 'shop/a');
    expect(heard).toBe(3);
  });

  it('splits keys back into namespace and name', () => {
    expect(splitKey('shop/web')).toEqual({ namespace: 'shop', name: 'web' });
    expect(splitKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });
});

function pod(i: number): Row {
  return { key: `load/pod-${i}`, kind: 'pods', name: `pod-${i}`, namespace: 'load', uid: String(i), created: 0, health: 'ok', status: 'Running',
    cells: [`pod-${i}`, 'load', '1/1', 'Running', '0', '0', '', 'node-1'] };
}

describe('ResourceTable multi-selection', () => {
  it('shift-click selects a range, ctrl/cmd-click toggles, shift+arrows extend; only rows whose flag flips redraw', async () => {
    const cache = new WindowCache({
      fetch: (viewId, offset, limit): Promise<Window> =>
        Promise.resolve({ viewId, generation: 1, version: 1, count: 100, offset, rows: Array.from({ length: Math.min(limit, 100 - offset) }, (_, k) => pod(offset + k)) }),
    });
    cache.attach({ id: 'v1', generation: 1, version: 1, count: 100, synced: true });
    const selection = new Selection();
    const handle = createRef<TableHandle>();
    const none = () => undefined;
    const r = render(
      <ResourceTable kind={kindsById.get('pods')!} namespace="" cache={cache} state="ready" now={0} sort={{ sortBy: '', desc: false }} onSort={none}
        selectedKey={null} onSelect={none} onOpen={none} selection={selection} handle={handle} empty={null} loading={null} error={null} />,
    );
    await act(async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    });
    const rowEl = (i: number) => r.container.querySelector(`[data-key="load/pod-${i}"]`) as HTMLElement;
    const selected = () => Array.from(r.container.querySelectorAll('[aria-selected="true"]')).map((e) => e.getAttribute('data-key'));
    fireEvent.click(rowEl(2));
    expect(selected()).toEqual(['load/pod-2']);
    fireEvent.click(rowEl(5), { shiftKey: true });
    expect(selected()).toEqual(['load/pod-2', 'load/pod-3', 'load/pod-4', 'load/pod-5']);
    fireEvent.click(rowEl(3), { ctrlKey: true });
    expect(selected()).toEqual(['load/pod-2', 'load/pod-4', 'load/pod-5']);
    fireEvent.click(rowEl(8), { metaKey: true });
    expect(selected()).toContain('load/pod-8');

    // Only the rows whose selection flips are redrawn.
    const before = rowEl(0).outerHTML;
    let mutated = 0;
    const mo = new MutationObserver((recs) => (mutated += recs.length));
    mo.observe(rowEl(0), { attributes: true, subtree: true, childList: true });
    fireEvent.click(rowEl(9), { ctrlKey: true });
    await act(async () => undefined);
    mo.disconnect();
    expect(mutated).toBe(0);
    expect(rowEl(0).outerHTML).toBe(before);

    fireEvent.click(rowEl(1));
    act(() => handle.current!.extend(1));
    act(() => handle.current!.extend(1));
    expect(selected()).toEqual(['load/pod-1', 'load/pod-2', 'load/pod-3']);
    act(() => handle.current!.extend(-3));
    expect(selected()).toEqual(['load/pod-0', 'load/pod-1']);
  });
});
