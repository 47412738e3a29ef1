import { memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type Ref } from 'react';
import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import type { KindInfo, Row } from '../api';
import { columnsFor, minWidth, trackWidths, visibleColumns, type TableColumn } from '../kinds';
import type { Selection } from './selection';
import { useRows } from './useRows';
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
  /** extend grows or shrinks the multi-selection by delta rows from its anchor (shift+arrows) and scrolls its end into view. */
  extend: (delta: number) => void;
}

export type TableState = 'loading' | 'ready' | 'error' | 'empty';

interface Props {
  kind: KindInfo;
  namespace: string;
  cache: WindowCache;
  state: TableState;
  now: number;
  sort: Sort;
  onSort: (s: Sort) => void;
  selectedKey: string | null;
  onSelect: (row: Row) => void;
  onOpen: (row: Row) => void;
  /** selection, when given, is the table's multi-selection (shift/ctrl/cmd-click, shift+arrows), kept by key. */
  selection?: Selection;
  empty: React.ReactNode;
  loading: React.ReactNode;
  error: React.ReactNode;
  handle?: Ref<TableHandle>;
}

const features = tableFeatures({});
const NO_DATA: never[] = [];

interface RowProps {
  index: number;
  /** undefined while its rows have not arrived: drawn as a blank placeholder. */
  row: Row | undefined;
  top: number;
  template: string;
  cols: TableColumn[];
  texts: string[];
  selected: boolean;
  onPick: (index: number, row: Row, how: Pick) => void;
}

/** Pick is how a row was clicked: alone, added to the selection, or a range. */
export type Pick = 'only' | 'toggle' | 'range';

const pickOf = (e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }): Pick =>
  e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only';

const sameTexts = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * TableRow is one row on screen. It renders again only when what it shows
 * changed: a refetch that brings a row back unchanged keeps its object (see
 * WindowCache), and ticking ages change only the rows whose text changed.
 */
const TableRow = memo(
  function TableRow({ index, row, top, template, cols, texts, selected, onPick }: RowProps) {
    const style = { transform: `translateY(${top}px)`, gridTemplateColumns: template };
    if (!row) return <div className="tr placeholder" style={style} aria-busy="true" />;
    return (
      <div
        role="row"
        aria-rowindex={index + 1}
        aria-selected={selected}
        className={'tr' + (selected ? ' selected' : '')}
        data-testid="row"
        data-key={row.key}
        style={style}
        onClick={(e) => onPick(index, row, pickOf(e))}
      >
        {cols.map((col, i) => {
          const text = texts[i] ?? '';
          return (
            <div
              key={col.id}
              role="gridcell"
              className={'td' + (col.align === 'end' ? ' end' : '') + (col.health ? ' health-' + row.health : '')}
              title={text}
            >
              {col.health && text ? <span className="status-dot" aria-hidden="true" /> : null}
              {text}
            </div>
          );
        })}
      </div>
    );
  },
  (a, b) =>
    a.row === b.row && a.index === b.index && a.top === b.top && a.template === b.template && a.cols === b.cols &&
    a.selected === b.selected && a.onPick === b.onPick && sameTexts(a.texts, b.texts),
);

/**
 * ResourceTable draws the rows of a backend view that are on screen. Column
 * definitions go through TanStack Table; rows are virtualized (useRows) and
 * read from the window cache by index, so the DOM holds a few
 * dozen rows whatever the count. Sorting is the backend's: a header click
 * changes the view's sort.
 */
export function ResourceTable(p: Props) {
  const { kind, namespace, cache, state, now, sort, onSort, selectedKey, onSelect, onOpen, selection } = p;
  // Rows arriving re-render the table, not the page around it.
  const revision = useSyncExternalStore(cache.subscribe, cache.getRevision);
  // A selection change re-renders the table; only rows whose flag flips redraw.
  useSyncExternalStore(selection?.subscribe ?? noSubscribe, selection?.getVersion ?? zero);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const cols = useMemo(() => visibleColumns(columnsFor(kind, namespace), width), [kind, namespace, width]);
  const count = cache.count;

  const rows = useRows(scroller, count, ROW_HEIGHT, HEADER_HEIGHT, 4);
  const { first, last } = rows;
  // The rows on screen, without the overscan: what the cache fetches for
  // (with its own prefetch) and aims at while the scroll moves fast. Set in
  // the commit, so a scroll's window is asked for in the same task.
  useLayoutEffect(() => {
    cache.setRange(first, last);
  }, [cache, first, last, count, revision]);

  // A new kind or sort starts at the top; a live update keeps the scroll.
  const sortKey = `${kind.id}|${sort.sortBy}|${sort.desc}|${namespace}`;
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [sortKey]);

  const columnDefs = useMemo<ColumnDef<typeof features, never>[]>(
    () => cols.map((c) => ({ id: c.id, header: c.header })),
    [cols],
  );
  // TanStack Table orders the columns and their headers; the cells on screen
  // are drawn by TableRow from the window cache, not from a row model.
  const table = useTable({ features, columns: columnDefs, data: NO_DATA });
  const byId = useMemo(() => new Map<string, TableColumn>(cols.map((c) => [c.id, c])), [cols]);
  const template = useMemo(() => trackWidths(cols, width), [cols, width]);
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
      rows.scrollTo(to);
      const r = cache.row(to);
      pending.current = r ? -1 : to;
      if (r) {
        selection?.only(to, r.key);
        onSelect(r);
      } else selection?.clear();
    },
    [cache, count, first, last, onSelect, rows.scrollTo, selection],
  );
  const keyAt = useCallback((i: number) => cache.row(i)?.key, [cache]);
  const extend = useCallback(
    (delta: number) => {
      if (!selection) return;
      if (selection.size === 0 && selectedIndex.current >= 0) {
        const r = cache.row(selectedIndex.current);
        if (r) selection.only(selectedIndex.current, r.key);
      }
      const to = selection.extend(delta, count, keyAt);
      if (to >= 0) rows.scrollTo(to);
    },
    [selection, cache, count, keyAt, rows.scrollTo],
  );
  useImperativeHandle(p.handle, () => ({
    move,
    extend,
    selectedRow: () => (selectedIndex.current >= 0 ? cache.row(selectedIndex.current) : undefined),
  }), [move, extend, cache]);

  // Stable across renders, so unchanged rows skip rendering.
  const picked = useRef({ onSelect, onOpen, selection, keyAt });
  picked.current = { onSelect, onOpen, selection, keyAt };
  const onPick = useCallback((index: number, row: Row, how: Pick) => {
    const { selection: sel } = picked.current;
    if (sel && how === 'toggle') {
      sel.toggle(index, row.key);
      return;
    }
    if (sel && how === 'range') {
      sel.range(index, picked.current.keyAt);
      return;
    }
    sel?.only(index, row.key);
    selectedIndex.current = index;
    picked.current.onSelect(row);
    picked.current.onOpen(row);
  }, []);
  // With a multi-selection, it is what is shown selected; without one, the
  // row the details follow.
  const isSelected = (key: string) => (selection && selection.size > 0 ? selection.has(key) : key === selectedKey);

  const headerClick = (id: string) => {
    if (sort.sortBy === id) onSort({ sortBy: id, desc: !sort.desc });
    else onSort({ sortBy: id, desc: false });
  };

  // Rows are keyed by their slot: the index modulo the most rows ever drawn
  // at this height, so any run of consecutive rows takes distinct slots.
  // Every slot is drawn (a row more of overscan when the rows on screen
  // take one less). While the scroll moves, the DOM keeps them in slot
  // order (each row is placed by its transform): a scroll of any length, a
  // hundred rows a frame while dragging the scrollbar, then updates the
  // same elements in place, none made, removed or moved among its
  // siblings (in index order that was most of a drag's DOM work). Once the
  // scroll has stopped they go back to index order, the order assistive
  // technology reads (with aria-rowindex): a few moves, once. A live update
  // keeps a row where it is.
  const slots = Math.max(rows.capacity, rows.drawLast - rows.drawFirst + 1, 1);
  const drawn: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const index = rows.drawFirst + ((slot - (rows.drawFirst % slots) + slots) % slots);
    if (index < count) drawn.push(index);
  }
  if (!rows.moving) drawn.sort((a, b) => a - b);
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
              title={`Sort by ${col?.header ?? h.column.id}${col?.description ? `\n${col.description}` : ''}`}
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
        <div className="tbody-inner" style={{ height: count * ROW_HEIGHT, minWidth: narrowest }}>
          {drawn.map((index) => {
            // Cells are read by position: a row of another kind (the view
            // still answering for the kind shown before) waits as a placeholder.
            const found = cache.row(index);
            const row = found && found.kind === kind.id ? found : undefined;
            return (
              <TableRow
                key={index % slots}
                index={index}
                row={row}
                top={index * ROW_HEIGHT}
                template={template}
                cols={cols}
                texts={row ? cols.map((c) => c.text(row, now)) : NO_TEXTS}
                selected={row !== undefined && isSelected(row.key)}
                onPick={onPick}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

const NO_TEXTS: string[] = [];
const noSubscribe = () => () => undefined;
const zero = () => 0;
