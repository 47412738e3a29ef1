// The kinds the explorer shows, how the navigation groups them and which
// columns each table has. Column ids are the backend's sort keys (see
// backend/view: name, namespace, age, status, ready, restarts, node, or a
// Cells key), so a header click sorts on the server.
import type { Row } from './api';
import { age } from './time';

export interface Column {
  id: string;
  header: string;
  /** CSS grid track: a fixed width or a share of the rest. */
  width: string;
  text: (r: Row, now: number) => string;
  align?: 'end';
  /** status columns are coloured by the row's health. */
  health?: boolean;
  /** When the table is too narrow, columns with the highest drop go first; unset never goes. */
  drop?: number;
}

export interface KindInfo {
  id: string;
  label: string;
  group: 'Workloads' | 'Network' | 'Config' | 'Storage' | 'Cluster';
  namespaced: boolean;
  columns: Column[];
  /** The sort a table starts with; unset is the backend's namespace, name. */
  sort?: { sortBy: string; desc: boolean };
}

const cell = (key: string) => (r: Row) => r.cells?.[key] ?? '';
const sinceCell = (key: string) => (r: Row, now: number) => {
  const t = Number(r.cells?.[key] ?? '');
  return t > 0 ? age(t, now) : '';
};

const name: Column = { id: 'name', header: 'Name', width: 'minmax(220px, 3fr)', text: (r) => r.name };
const namespace: Column = { id: 'namespace', header: 'Namespace', width: 'minmax(90px, 1fr)', text: (r) => r.namespace ?? '', drop: 1 };
const ageCol: Column = { id: 'age', header: 'Age', width: '64px', text: (r, now) => age(r.created, now), align: 'end' };
const status: Column = { id: 'status', header: 'Status', width: 'minmax(110px, 1fr)', text: (r) => r.status ?? '', health: true };
const ready: Column = { id: 'ready', header: 'Ready', width: '64px', text: (r) => r.ready ?? '', align: 'end' };
const num = (id: string, header: string): Column => ({ id, header, width: '96px', text: cell(id), align: 'end', drop: 2 });
const text = (id: string, header: string, width = 'minmax(90px, 1fr)'): Column => ({ id, header, width, text: cell(id), drop: 2 });

export const KINDS: KindInfo[] = [
  {
    id: 'pods', label: 'Pods', group: 'Workloads', namespaced: true,
    columns: [name, namespace, ready, status,
      { id: 'restarts', header: 'Restarts', width: '76px', text: (r) => String(r.restarts ?? 0), align: 'end', drop: 2 },
      ageCol, { id: 'node', header: 'Node', width: 'minmax(90px, 1fr)', text: (r) => r.node ?? '', drop: 3 }],
  },
  { id: 'deployments', label: 'Deployments', group: 'Workloads', namespaced: true,
    columns: [name, namespace, ready, num('upToDate', 'Up-to-date'), num('available', 'Available'), status, ageCol] },
  { id: 'replicasets', label: 'ReplicaSets', group: 'Workloads', namespaced: true,
    columns: [name, namespace, num('desired', 'Desired'), num('current', 'Current'), ready, status, ageCol] },
  { id: 'statefulsets', label: 'StatefulSets', group: 'Workloads', namespaced: true, columns: [name, namespace, ready, status, ageCol] },
  { id: 'daemonsets', label: 'DaemonSets', group: 'Workloads', namespaced: true,
    columns: [name, namespace, num('desired', 'Desired'), ready, num('upToDate', 'Up-to-date'), num('available', 'Available'), status, ageCol] },
  { id: 'jobs', label: 'Jobs', group: 'Workloads', namespaced: true,
    columns: [name, namespace, { ...ready, header: 'Completions', width: '100px' }, status, text('duration', 'Duration', '90px'), ageCol] },
  { id: 'cronjobs', label: 'CronJobs', group: 'Workloads', namespaced: true,
    columns: [name, namespace, text('schedule', 'Schedule', 'minmax(100px, 1fr)'), status, num('active', 'Active'),
      { id: 'lastSchedule', header: 'Last schedule', width: '110px', text: sinceCell('lastSchedule'), align: 'end' }, ageCol] },
  { id: 'services', label: 'Services', group: 'Network', namespaced: true,
    columns: [name, namespace, text('type', 'Type', '110px'), text('clusterIP', 'Cluster IP', '120px'), text('ports', 'Ports'), ageCol] },
  { id: 'ingresses', label: 'Ingresses', group: 'Network', namespaced: true,
    columns: [name, namespace, text('class', 'Class', '100px'), text('hosts', 'Hosts', 'minmax(120px, 2fr)'), ageCol] },
  { id: 'configmaps', label: 'ConfigMaps', group: 'Config', namespaced: true, columns: [name, namespace, num('keys', 'Keys'), ageCol] },
  { id: 'secrets', label: 'Secrets', group: 'Config', namespaced: true, columns: [name, namespace, ageCol] },
  { id: 'persistentvolumeclaims', label: 'PVCs', group: 'Storage', namespaced: true,
    columns: [name, namespace, status, text('volume', 'Volume'), text('capacity', 'Capacity', '90px'), text('storageClass', 'Storage class'), ageCol] },
  { id: 'nodes', label: 'Nodes', group: 'Cluster', namespaced: false,
    columns: [name, status, text('roles', 'Roles'), text('version', 'Version', '110px'), text('internalIP', 'Internal IP', '120px'), ageCol] },
  { id: 'namespaces', label: 'Namespaces', group: 'Cluster', namespaced: false, columns: [name, status, ageCol] },
  { id: 'events', label: 'Events', group: 'Cluster', namespaced: true, sort: { sortBy: 'lastSeen', desc: true },
    columns: [
      { id: 'lastSeen', header: 'Last seen', width: '84px', text: sinceCell('lastSeen'), align: 'end' },
      namespace, { ...status, header: 'Type', width: '84px' }, text('reason', 'Reason', 'minmax(100px, 1fr)'),
      text('object', 'Object', 'minmax(140px, 1.5fr)'), { ...text('message', 'Message', 'minmax(200px, 4fr)'), drop: undefined }, num('count', 'Count')] },
];

export const GROUPS = ['Workloads', 'Network', 'Config', 'Storage', 'Cluster'] as const;

const byId = new Map(KINDS.map((k) => [k.id, k]));

/** kindInfo returns the kind's table definition; unknown ids get a generic one. */
export function kindInfo(id: string): KindInfo {
  return byId.get(id) ?? { id, label: id, group: 'Cluster', namespaced: true, columns: [name, namespace, ageCol] };
}

/** columnsFor drops the namespace column when one namespace is shown. */
export function columnsFor(kind: KindInfo, namespace: string): Column[] {
  return namespace ? kind.columns.filter((c) => c.id !== 'namespace') : kind.columns;
}

/** minWidth is the narrowest the columns may get, in pixels, with gaps and padding. */
export function minWidth(cols: Column[]): number {
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
export function trackWidths(cols: Column[], width: number): string {
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
export function fitColumns(cols: Column[], width: number): Column[] {
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
