// A scriptable stand-in for the api facade: tests set rows and statuses,
// emit notices and session events, and count the calls the UI makes.
import { vi } from 'vitest';
import type { ContextInfo, Details, Row, SessionStatus, ViewNotice, ViewSpec } from '../api';

export function row(name: string, over: Partial<Row> = {}): Row {
  const namespace = over.namespace ?? 'shop';
  return {
    key: namespace ? `${namespace}/${name}` : name, kind: 'pods', name, namespace, uid: 'u-' + name,
    created: Math.floor(Date.now() / 1000) - 90, health: 'ok', status: 'Running', ready: '1/1', restarts: 0, node: 'node-1',
    labels: { app: 'web' }, cells: { ip: '10.0.0.1' }, ...over,
  };
}

export function status(over: Partial<SessionStatus> = {}): SessionStatus {
  return {
    generation: 1, context: 'demo-admin', server: 'https://127.0.0.1:6443', phase: 'connected', watches: 1,
    kinds: [{ kind: 'pods', state: 'synced', count: 3 }], lastChange: Date.now(), ...over,
  };
}

export const contexts: ContextInfo[] = [
  { name: 'demo-admin', cluster: 'demo', server: 'https://127.0.0.1:6443', user: 'admin', namespace: '', current: true, valid: true, file: '/k' },
  { name: 'staging-admin', cluster: 'staging', server: 'https://127.0.0.1:7443', user: 'admin', namespace: '', current: false, valid: true, file: '/k' },
  { name: 'broken', cluster: 'nowhere', server: '', user: 'x', namespace: '', current: false, valid: false, problems: ['cluster "nowhere" not found'], file: '/k' },
  { name: 'gke', cluster: 'gke', server: 'https://gke', user: 'gke', namespace: '', current: false, valid: true, execCommand: 'gke-gcloud-auth-plugin', file: '/k' },
];

export function details(r: Row, over: Partial<Details> = {}): Details {
  return { row: r, annotations: {}, summary: [], conditions: [], containers: [], events: [], related: [], ...over };
}

type Listener<T> = (v: T) => void;

export function fakeBackend() {
  const viewListeners = new Set<Listener<ViewNotice>>();
  const statusListeners = new Set<Listener<SessionStatus>>();
  const b = {
    status: status(),
    rows: [] as Row[],
    version: 1,
    nextView: 0,
    specs: new Map<string, ViewSpec>(),
    /** rejects UpdateView/OpenView for specs with this selector */
    badSelector: '',
    details: null as Details | null,
  };
  const matching = () => b.rows;
  const api = {
    about: vi.fn(async () => ({ version: '1', kubeconfigFiles: [] })),
    contexts: vi.fn(async () => contexts),
    switchContext: vi.fn(async (name: string) => {
      b.status = status({ generation: b.status.generation + 1, context: name, phase: 'connecting', kinds: [] });
      return b.status;
    }),
    status: vi.fn(async () => b.status),
    namespaces: vi.fn(async () => ['default', 'shop']),
    openView: vi.fn(async (spec: ViewSpec) => {
      if (b.badSelector && spec.selector === b.badSelector) throw `invalid label selector "${spec.selector}": unable to parse requirement`;
      const id = 'v' + ++b.nextView;
      b.specs.set(id, spec);
      return { id, generation: b.status.generation, version: b.version, count: matching().length, synced: true };
    }),
    updateView: vi.fn(async (id: string, spec: ViewSpec) => {
      if (b.badSelector && spec.selector === b.badSelector) throw `invalid label selector "${spec.selector}": unable to parse requirement`;
      b.specs.set(id, spec);
      b.version++;
      return { id, generation: b.status.generation, version: b.version, count: matching().length, synced: true };
    }),
    viewRows: vi.fn(async (id: string, offset: number, limit: number) => ({
      viewId: id, generation: b.status.generation, version: b.version, count: matching().length, offset,
      rows: matching().slice(offset, offset + limit),
    })),
    closeView: vi.fn(async () => undefined),
    details: vi.fn(async (kind: string, _ns: string, name: string) => b.details ?? details(row(name, { kind }))),
    onViewChanged: (cb: Listener<ViewNotice>) => {
      viewListeners.add(cb);
      return () => viewListeners.delete(cb);
    },
    onSessionStatus: (cb: Listener<SessionStatus>) => {
      statusListeners.add(cb);
      return () => statusListeners.delete(cb);
    },
    fetchYAML: vi.fn(async () => 'apiVersion: v1\nkind: Pod\n'),
    retryKind: vi.fn(async () => undefined),
    settings: vi.fn(async () => ({ extraPath: [] as string[], window: { width: 0, height: 0 } }) as Record<string, unknown>),
    saveSettings: vi.fn(async (_s: unknown) => undefined),
    desktop: vi.fn(async () => ({ version: '1', settingsFile: '', logFile: '', path: [] as string[], pathSource: 'inherited' }) as Record<string, unknown>),
    openLogFolder: vi.fn(async () => undefined),
    rememberNamespace: vi.fn(async () => undefined),
    focusNamespace: vi.fn(async () => undefined),
    can: vi.fn(async () => ({ allowed: true })),
    revealSecretValue: vi.fn(async (_ns: string, _name: string, key: string) => ({ key, value: 'value-of-' + key, base64: false })),
  };
  return {
    b,
    api,
    /** change replaces the rows and tells every open view, as the backend would. */
    change(rows: Row[]) {
      b.rows = rows;
      b.version++;
      for (const id of b.specs.keys()) {
        for (const l of viewListeners) l({ viewId: id, generation: b.status.generation, version: b.version, count: rows.length });
      }
    },
    emitStatus(st: SessionStatus) {
      b.status = st;
      for (const l of statusListeners) l(st);
    },
    reset() {
      b.status = status();
      b.rows = [];
      b.version = 1;
      b.nextView = 0;
      b.specs.clear();
      b.badSelector = '';
      b.details = null;
      for (const f of Object.values(api)) if (vi.isMockFunction(f)) f.mockReset(); // back to the implementations above
    },
  };
}

export const fake = fakeBackend();
