import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Row } from '../api';
import { columnsFor, fitColumns, minWidth, type Column, type KindInfo } from '../kinds';
import type { WindowCache } from './windowCache';

export const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 32;

export interface Sort {
  sortBy: string;
  desc: boolean;
}

export interface TableHandle {
  /** move shifts the selection by delta rows (clamped) and scrolls it into view. */
  move: (delta: number) => void;
  /** selectedRow is the selected row if its page is loaded. */
  selectedRow: () => Row | undefined;
}

export type TableState = 'loading' | 'ready' | 'error' | 'empty';

interface Props {
  kind: KindInfo;
  namespace: string;
  cache: WindowCache;
  revision: number;
  state: TableState;
  now: number;
  sort: Sort;
  onSort: (s: Sort) => void;
  selectedKey: string | null;
  onSelect: (row: Row) => void;
  onOpen: (row: Row) => void;
  empty: React.ReactNode;
  loading: React.ReactNode;
  error: React.ReactNode;
  handle?: Ref<TableHandle>;
}

const features = tableFeatures({});

/** A row whose page has not arrived: drawn as a blank placeholder. */
interface Slot {
  index: number;
  row: Row | undefined;
}

/**
 * ResourceTable draws the rows of a backend view that are on screen. Column
 * definitions go through TanStack Table; rows are virtualized by TanStack
 * Virtual and read from the window cache by index, so the DOM holds a few
 * dozen rows whatever the count. Sorting is the backend's: a header click
 * changes the view's sort.
 */
export function ResourceTable(p: Props) {
  const { kind, namespace, cache, revision, state, now, sort, onSort, selectedKey, onSelect, onOpen } = p;
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const cols = useMemo(() => fitColumns(columnsFor(kind, namespace), width), [kind, namespace, width]);
  const count = cache.count;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header sits inside the scroller, above the rows.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    cache.setRange(first, last);
  }, [cache, first, last, count, revision]);

  // A new kind or sort starts at the top; a live update keeps the scroll.
  const sortKey = `${kind.id}|${sort.sortBy}|${sort.desc}|${namespace}`;
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [sortKey]);

  const slots: Slot[] = items.map((it) => ({ index: it.index, row: cache.row(it.index) }));
  const columnDefs = useMemo<ColumnDef<typeof features, Slot>[]>(
    () =>
      cols.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (s: Slot) => (s.row ? c.text(s.row, now) : ''),
      })),
    [cols, now],
  );
  const table = useTable({
    features,
    columns: columnDefs,
    data: slots,
    getRowId: (s: Slot) => String(s.index),
  });
  const byId = useMemo(() => new Map<string, Column>(cols.map((c) => [c.id, c])), [cols]);
  const template = cols.map((c) => c.width).join(' ');
  const narrowest = minWidth(cols);

  const selectedIndex = useRef(-1);
  const found = selectedKey ? cache.indexOf(selectedKey) : -1;
  if (found >= 0) selectedIndex.current = found;
  else if (!selectedKey) selectedIndex.current = -1;

  // A selection moved onto a row whose page is still on its way.
  const pending = useRef(-1);
  useEffect(() => {
    if (pending.current < 0) return;
    const r = cache.row(pending.current);
    if (r) {
      pending.current = -1;
      onSelect(r);
    }
  }, [cache, revision, onSelect]);

  const move = useCallback(
    (delta: number) => {
      if (count === 0) return;
      const from = selectedIndex.current;
      // With nothing selected, the first step lands on the edge of the screen.
      const base = from >= 0 ? from : delta > 0 ? first - 1 : last + 1;
      const to = Math.max(0, Math.min(count - 1, base + delta));
      selectedIndex.current = to;
      virtualizer.scrollToIndex(to, { align: 'auto' });
      const r = cache.row(to);
      pending.current = r ? -1 : to;
      if (r) onSelect(r);
    },
    [cache, count, first, last, onSelect, virtualizer],
  );
  useImperativeHandle(p.handle, () => ({
    move,
    selectedRow: () => (selectedIndex.current >= 0 ? cache.row(selectedIndex.current) : undefined),
  }), [move, cache]);

  const headerClick = (id: string) => {
    if (sort.sortBy === id) onSort({ sortBy: id, desc: !sort.desc });
    else onSort({ sortBy: id, desc: false });
  };

  const rows = table.getRowModel().rows;
  return (
    <div className="table" role="grid" aria-rowcount={count} data-testid="resource-table" data-kind={kind.id} data-count={count} data-state={state}>
      <div className="tbody" ref={scroller} tabIndex={-1}>
      <div className="thead" role="row" style={{ gridTemplateColumns: template, minWidth: narrowest }}>
        {table.getHeaderGroups()[0]?.headers.map((h) => {
          const col = byId.get(h.column.id);
          const active = sort.sortBy === h.column.id;
          return (
            <button
              key={h.id}
              type="button"
              role="columnheader"
              aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              className={'th' + (col?.align === 'end' ? ' end' : '') + (active ? ' sorted' : '')}
              data-testid={'sort-' + h.column.id}
              title={`Sort by ${col?.header ?? h.column.id}`}
              onClick={() => headerClick(h.column.id)}
            >
              <span className="th-label">{col?.header}</span>
              <span className={'sort-arrow' + (active ? (sort.desc ? ' desc' : ' asc') : '')} aria-hidden="true" />
            </button>
          );
        })}
      </div>
        {state === 'loading' && count === 0 && p.loading}
        {state === 'error' && p.error}
        {state === 'empty' && p.empty}
        <div className="tbody-inner" style={{ height: Math.max(0, virtualizer.getTotalSize() - HEADER_HEIGHT), minWidth: narrowest }}>
          {rows.map((r, i) => {
            const item = items[i];
            const slot = slots[i];
            if (!item || !slot) return null;
            const row = slot.row;
            if (!row) {
              return <div key={item.index} className="tr placeholder" style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, gridTemplateColumns: template }} aria-busy="true" />;
            }
            const selected = row.key === selectedKey;
            return (
              // Keyed by position: while a page is refetched after rows moved,
              // one key may briefly sit in two places.
              <div
                key={item.index}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={selected}
                className={'tr' + (selected ? ' selected' : '')}
                data-testid="row"
                data-key={row.key}
                style={{ transform: `translateY(${item.start - HEADER_HEIGHT}px)`, gridTemplateColumns: template }}
                onClick={() => {
                  selectedIndex.current = item.index;
                  onSelect(row);
                  onOpen(row);
                }}
              >
                {r.getAllCells().map((c) => {
                  const col = byId.get(c.column.id);
                  const text = String(c.getValue() ?? '');
                  return (
                    <div
                      key={c.id}
                      role="gridcell"
                      className={'td' + (col?.align === 'end' ? ' end' : '') + (col?.health ? ' health-' + row.health : '')}
                      title={text}
                    >
                      {col?.health && text ? <span className="status-dot" aria-hidden="true" /> : null}
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
