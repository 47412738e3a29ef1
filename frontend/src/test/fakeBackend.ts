// A scriptable stand-in for the api facade: tests set rows and statuses,
// emit notices and session events, and count the calls the UI makes.
import { vi } from 'vitest';
import type { ContextInfo, Details, KindInfo, ObjectNotice, Row, SessionStatus, ViewNotice, ViewSpec } from '../api';
import { KINDS, kindsById } from './kindsFixture';

/** What a pod's columns hold unless a test says otherwise. */
const POD_VALUES: Record<string, string> = { ready: '1/1', restarts: '0', ip: '10.0.0.1', node: 'node-1' };

/**
 * row is a row of a fixture kind (pods unless over.kind says otherwise).
 * Its cells follow the kind's columns: name, namespace, age and the status
 * column from the row, the others from values (by column id).
 */
export function row(name: string, over: Partial<Row> = {}, values: Record<string, string> = {}): Row {
  const kind = over.kind ?? 'pods';
  const info = kindsById.get(kind);
  const namespace = over.namespace ?? (info?.namespaced === false ? '' : 'shop');
  const base: Row = {
    key: namespace ? `${namespace}/${name}` : name, kind, name, namespace, uid: 'u-' + name,
    created: Math.floor(Date.now() / 1000) - 90, health: 'ok', status: 'Running', labels: { app: 'web' }, cells: [], ...over,
  };
  const own: Record<string, string> = {
    ...(kind === 'pods' ? POD_VALUES : {}), name, namespace: namespace ?? '', age: String(base.created), ...values,
  };
  base.cells = over.cells ?? (info?.columns ?? []).map((c) => own[c.id] ?? (c.health ? base.status ?? '' : ''));
  return base;
}

export function status(over: Partial<SessionStatus> = {}): SessionStatus {
  return {
    generation: 1, context: 'demo-admin', server: 'https://127.0.0.1:6443', phase: 'connected', watches: 1, kindsVersion: 1,
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
  return { row: r, annotations: {}, summary: [], tables: [], conditions: [], containers: [], events: [], related: [], ...over };
}

type Listener<T> = (v: T) => void;

export function fakeBackend() {
  const viewListeners = new Set<Listener<ViewNotice>>();
  const statusListeners = new Set<Listener<SessionStatus>>();
  const objectListeners = new Set<Listener<ObjectNotice>>();
  const b = {
    status: status(),
    rows: [] as Row[],
    version: 1,
    nextView: 0,
    specs: new Map<string, ViewSpec>(),
    /** The kinds api.kinds answers, at status.kindsVersion. */
    kinds: KINDS,
    nextWatch: 0,
    /** Open details watches by id. */
    watches: new Map<string, { kind: string; namespace: string; name: string }>(),
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
    kinds: vi.fn(async () => ({ generation: b.status.generation, version: b.status.kindsVersion, kinds: b.kinds })),
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
    watchDetails: vi.fn(async (kind: string, namespace: string, name: string) => {
      const id = 'w' + ++b.nextWatch;
      b.watches.set(id, { kind, namespace, name });
      return id;
    }),
    unwatchDetails: vi.fn(async (id: string) => {
      b.watches.delete(id);
    }),
    onViewChanged: (cb: Listener<ViewNotice>) => {
      viewListeners.add(cb);
      return () => viewListeners.delete(cb);
    },
    onSessionStatus: (cb: Listener<SessionStatus>) => {
      statusListeners.add(cb);
      return () => statusListeners.delete(cb);
    },
    onObjectChanged: (cb: Listener<ObjectNotice>) => {
      objectListeners.add(cb);
      return () => objectListeners.delete(cb);
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
    /** objectChanged tells the details watches, as the backend does when the object changed (or is gone). */
    objectChanged(watchId: string, over: Partial<ObjectNotice> = {}) {
      b.version++;
      for (const l of objectListeners) l({ watchId, generation: b.status.generation, version: b.version, ...over });
    },
    /**
     * removeKind stops serving a kind, as when its CRD is deleted: its open
     * views say removed, and the status moves kindsVersion.
     */
    removeKind(id: string) {
      b.kinds = b.kinds.filter((k) => k.id !== id);
      b.version++;
      for (const [view, spec] of b.specs) {
        if (spec.kind !== id) continue;
        for (const l of viewListeners) l({ viewId: view, generation: b.status.generation, version: b.version, count: 0, removed: true });
      }
      this.emitStatus({ ...b.status, kindsVersion: b.status.kindsVersion + 1 });
    },
    /** serveKinds replaces the kinds listed and moves kindsVersion. */
    serveKinds(kinds: KindInfo[]) {
      b.kinds = kinds;
      this.emitStatus({ ...b.status, kindsVersion: b.status.kindsVersion + 1 });
    },
    reset() {
      b.status = status();
      b.rows = [];
      b.version = 1;
      b.nextView = 0;
      b.specs.clear();
      b.badSelector = '';
      b.details = null;
      b.kinds = KINDS;
      b.nextWatch = 0;
      b.watches.clear();
      for (const f of Object.values(api)) if (vi.isMockFunction(f)) f.mockReset(); // back to the implementations above
    },
  };
}

export const fake = fakeBackend();
