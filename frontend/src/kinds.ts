// How a kind's columns, which the backend sends (api.kinds), are drawn: the
// width, alignment, formatting and the order they give way in when the table
// is narrow all follow from a column's value type, so any kind, built in or
// custom, is drawn without the page knowing it. Column ids are the
// backend's sort keys: a header click sorts on the server.
import type { Column, ColumnType, KindInfo, Row } from './api';
import { age, shortDuration } from './time';

/** TableColumn is a column of a kind as a table draws it, worked out once per kind. */
export interface TableColumn {
  id: string;
  header: string;
  type: ColumnType;
  /** The position of the column's value in a row's cells. */
  cell: number;
  /** CSS grid track: a fixed width or a share of the rest. */
  width: string;
  align?: 'end';
  /** The column carrying the row's status, coloured by its health. */
  health?: boolean;
  /** A cell measured by metrics.k8s.io ("—" without a measurement). */
  usage?: boolean;
  /** Above 0: shown only when the table is wide enough for every column (and in details). */
  priority: number;
  /** When the table is too narrow, columns with the highest drop go first (the rightmost of equals); unset never goes. */
  drop?: number;
  description?: string;
  /** text formats the column's cell of a row; now (ms) is for ages. */
  text: (r: Row, now: number) => string;
}

const TYPES: ReadonlySet<string> = new Set<ColumnType>(['text', 'integer', 'number', 'boolean', 'quantity', 'duration', 'timestamp']);

/** columnType is a column's type, text for one this page does not know. */
export function columnType(c: Column): ColumnType {
  return TYPES.has(c.type) ? (c.type as ColumnType) : 'text';
}

/** formatCell renders a cell of a column type: a timestamp as an age, a duration short, the rest as sent. */
export function formatCell(type: ColumnType, value: string | undefined, now: number): string {
  if (!value) return '';
  switch (type) {
    case 'timestamp': {
      const t = Number(value);
      return t > 0 ? age(t, now) : '';
    }
    case 'duration':
      return shortDuration(value);
    default:
      return value;
  }
}

/** The shared columns every kind has (model.Column). */
const NAME = 'name';
const NAMESPACE = 'namespace';
const AGE = 'age';

const NUMERIC: ReadonlySet<ColumnType> = new Set<ColumnType>(['integer', 'number', 'quantity', 'duration', 'timestamp']);

/** fixedWidth is the width of a fixed track: the type's own, or what its title needs. */
function fixedWidth(least: number, title: string): string {
  return `${Math.max(least, Math.ceil(title.length * 7 + 24))}px`;
}

/** tableColumn works out how one column of a kind is drawn. */
function tableColumn(c: Column, cell: number): TableColumn {
  const type = columnType(c);
  const base = { id: c.id, header: c.title, type, cell, priority: c.priority ?? 0, description: c.description || undefined, usage: c.usage || undefined };
  // A usage cell is empty while metrics.k8s.io gives nothing: a dash, and
  // the table's metrics line says why (once, not per cell).
  const text = c.usage ? (r: Row, now: number) => formatCell(type, r.cells?.[cell], now) || '—' : (r: Row, now: number) => formatCell(type, r.cells?.[cell], now);
  if (c.id === NAME) return { ...base, width: 'minmax(220px, 3fr)', text };
  if (c.id === NAMESPACE) return { ...base, width: 'minmax(90px, 1fr)', drop: 1, text };
  // The status and times (an age, when an event was last seen) stay
  // however narrow; so does free text that deserves room (a message).
  const keep = c.health || type === 'timestamp' || c.wide;
  const drop = keep ? undefined : 2;
  const health = c.health || undefined;
  if (type === 'text') {
    const width = c.wide ? 'minmax(180px, 3fr)' : health ? 'minmax(110px, 1fr)' : 'minmax(90px, 1fr)';
    return { ...base, width, health, drop, text };
  }
  if (type === 'boolean') return { ...base, width: fixedWidth(72, c.title), health, drop, text };
  const least = type === 'timestamp' ? 64 : type === 'duration' ? 80 : 72;
  return { ...base, width: fixedWidth(least, c.title), align: NUMERIC.has(type) ? 'end' : undefined, health, drop, text };
}

interface KindColumns {
  all: TableColumn[];
  /** all without the namespace column: a table of one namespace. */
  inNamespace: TableColumn[];
}

// Worked out once per kind object: the kinds store keeps a kind's object
// while it does not change, so rows never derive their columns again.
const derived = new WeakMap<KindInfo, KindColumns>();

function kindColumns(kind: KindInfo): KindColumns {
  let d = derived.get(kind);
  if (!d) {
    const all = (kind.columns ?? []).map(tableColumn);
    d = { all, inNamespace: all.filter((c) => c.id !== NAMESPACE) };
    derived.set(kind, d);
  }
  return d;
}

/** columnsFor is every column of a kind in its order, without the namespace column when one namespace is shown. */
export function columnsFor(kind: KindInfo, namespace: string): TableColumn[] {
  const d = kindColumns(kind);
  return namespace ? d.inNamespace : d.all;
}

/** detailColumns are the columns a details panel lists as facts: all but name, namespace, age and usage (its chart shows that). */
export function detailColumns(kind: KindInfo): TableColumn[] {
  return kindColumns(kind).all.filter((c) => c.id !== NAME && c.id !== NAMESPACE && c.id !== AGE && !c.usage);
}

/**
 * visibleColumns is what a table of width shows: every column when all of
 * them fit, else the priority-0 ones, fitted (0 = width unknown: the
 * priority-0 ones).
 */
export function visibleColumns(cols: TableColumn[], width: number): TableColumn[] {
  if (width > 0 && minWidth(cols) <= width) return cols;
  const main = cols.every((c) => c.priority === 0) ? cols : cols.filter((c) => c.priority === 0);
  return fitColumns(main, width);
}

/** minWidth is the narrowest the columns may get, in pixels, with gaps and padding. */
export function minWidth(cols: TableColumn[]): number {
  let w = 24 + 12 * (cols.length - 1);
  for (const c of cols) w += Number(/(\d+)px/.exec(c.width)?.[1] ?? 80);
  return w;
}

/**
 * trackWidths resolves the columns' tracks for a row width the way CSS grid
 * would (a fixed width, or a share of the rest never below its minimum) and
 * returns them as a template of fixed widths: every row then lays out its
 * cells without sizing tracks of its own, which matters while a fast
 * scroll fills every row on screen anew each frame. Width 0 (not measured
 * yet) keeps the columns' own tracks.
 */
export function trackWidths(cols: TableColumn[], width: number): string {
  if (width <= 0) return cols.map((c) => c.width).join(' ');
  const tracks = cols.map((c) => {
    const fixed = /^(\d+(?:\.\d+)?)px$/.exec(c.width);
    if (fixed) return { min: Number(fixed[1]), fr: 0 };
    const flex = /^minmax\((\d+(?:\.\d+)?)px,\s*(\d+(?:\.\d+)?)fr\)$/.exec(c.width);
    return flex ? { min: Number(flex[1]), fr: Number(flex[2]) } : { min: 80, fr: 1 };
  });
  let free = Math.max(width, minWidth(cols)) - 24 - 12 * (cols.length - 1);
  for (const t of tracks) if (t.fr === 0) free -= t.min;
  // A flexible track whose share would fall below its minimum keeps the
  // minimum; the others share what is left.
  let flexible = tracks.filter((t) => t.fr > 0);
  for (;;) {
    const frs = flexible.reduce((n, t) => n + t.fr, 0);
    const unit = frs > 0 ? Math.max(0, free) / frs : 0;
    const frozen = flexible.filter((t) => t.min > t.fr * unit);
    if (frozen.length === 0) {
      for (const t of flexible) t.min = t.fr * unit;
      break;
    }
    for (const t of frozen) free -= t.min;
    flexible = flexible.filter((t) => !frozen.includes(t));
  }
  return tracks.map((t) => `${Math.floor(t.min * 100) / 100}px`).join(' ');
}

/**
 * fitColumns drops the most droppable columns until the rest fit in width
 * (0 = unknown: keep all). What still does not fit scrolls sideways.
 */
export function fitColumns(cols: TableColumn[], width: number): TableColumn[] {
  let out = cols;
  while (width > 0 && minWidth(out) > width) {
    let worst = -1;
    out.forEach((c, i) => {
      if (c.drop !== undefined && (worst < 0 || c.drop >= (out[worst]!.drop ?? 0))) worst = i;
    });
    if (worst < 0) break;
    out = out.filter((_, i) => i !== worst);
  }
  return out;
}
