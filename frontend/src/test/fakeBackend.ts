// A scriptable stand-in for the api facade: tests set rows and statuses,
// emit notices and session events, and count the calls the UI makes.
import { vi } from 'vitest';
import type {
  ActionPlan, ActionRequest, ActionResult, DrainNotice, DrainStatus,
  ApplyPreview, ApplyResult, ContextInfo, Details, DownloadProgress, EditInfo, EditPreview, EditResult, Forward, ForwardPort, HelmRelease, ForwardRequest, ForwardsNotice, KindInfo, LogLine, LogNotice, LogQuery, LogStatus, LogTarget, NodeShellLeftovers, NodeShellPlan, ObjectNotice, Row, SessionStatus, UsageHistory, ViewNotice, ViewSpec,
} from '../api';
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
    kinds: [{ kind: 'pods', state: 'synced', count: 3 }], lastChange: Date.now(),
    metrics: { pods: { state: 'available' }, nodes: { state: 'available' }, version: 1, intervalSeconds: 15 }, ...over,
  };
}

export const contexts: ContextInfo[] = [
  { name: 'demo-admin', cluster: 'demo', server: 'https://127.0.0.1:6443', user: 'admin', namespace: '', current: true, valid: true, file: '/k' },
  { name: 'staging-admin', cluster: 'staging', server: 'https://127.0.0.1:7443', user: 'admin', namespace: '', current: false, valid: true, file: '/k' },
  { name: 'broken', cluster: 'nowhere', server: '', user: 'x', namespace: '', current: false, valid: false, problems: ['cluster "nowhere" not found'], file: '/k' },
  { name: 'gke', cluster: 'gke', server: 'https://gke', user: 'gke', namespace: '', current: false, valid: true, execCommand: 'gke-gcloud-auth-plugin', file: '/k' },
];

/** nodeShellPlan is the plan planNodeShell answers for node (a pod as the backend builds it). */
export function nodeShellPlan(node: string, over: Partial<NodeShellPlan> = {}): NodeShellPlan {
  const pod = `crowsnest-node-shell-${node}-x7k2p`;
  return {
    id: 'g1p1', generation: 1, context: 'demo-admin', user: 'crowsnest-admin', node, namespace: 'kube-system', pod, image: 'busybox:1.36',
    privileged: true, hostPID: true, hostNetwork: true, hostIPC: true, tolerations: 'every taint', command: ['sleep', '86400'],
    shell: ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', 'sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'],
    labels: { 'app.kubernetes.io/managed-by': 'crowsnest', 'crowsnest.dev/node-shell': node },
    annotations: { 'crowsnest.dev/node': node, 'crowsnest.dev/opened-by': 'crowsnest-admin' },
    yaml: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${pod}\n  namespace: kube-system\nspec:\n  hostPID: true\n  nodeName: ${node}\n`,
    ...over,
  };
}

export function details(r: Row, over: Partial<Details> = {}): Details {
  return { row: r, annotations: {}, summary: [], tables: [], conditions: [], containers: [], events: [], related: [], ...over };
}

type Listener<T> = (v: T) => void;

/** logLine is a plain line of pod/container with text. */
export function logLine(seq: number, text: string, pod = 'web-0', container = 'app', over: Partial<LogLine> = {}): LogLine {
  return { seq, time: 1_700_000_000_000 + seq * 1000, pod, container, spans: [{ text }], ...over };
}

/** The fake's log text: a match finder as the backend's (substring or RE2-like regexp, case toggle). */
function matcher(q: LogQuery): (l: LogLine) => boolean {
  const text = (l: LogLine) => l.spans.map((s) => s.text).join('');
  if (q.regexp) {
    const re = new RegExp(q.text, q.caseSensitive ? '' : 'i');
    return (l) => re.test(text(l));
  }
  const needle = q.caseSensitive ? q.text : q.text.toLowerCase();
  return (l) => (q.caseSensitive ? text(l) : text(l).toLowerCase()).includes(needle);
}

export function fakeBackend() {
  const viewListeners = new Set<Listener<ViewNotice>>();
  const statusListeners = new Set<Listener<SessionStatus>>();
  const objectListeners = new Set<Listener<ObjectNotice>>();
  const logListeners = new Set<Listener<LogNotice>>();
  const downloadListeners = new Set<Listener<DownloadProgress>>();
  const forwardListeners = new Set<Listener<ForwardsNotice>>();
  const drainListeners = new Set<Listener<DrainNotice>>();
  const b = {
    /** The port-forwards api.forwards lists, and the ports forwardPorts offers. */
    forwards: [] as Forward[],
    forwardPorts: [{ port: 'http', number: 8080, name: 'http', container: 'app' }] as ForwardPort[],
    /** The lines every log view opened holds (seq = index + first), and what fell out. */
    log: [] as LogLine[],
    logFirst: 1,
    logVersion: 1,
    logSources: [{ pod: 'web-0', container: 'app', state: 'streaming' }] as LogStatus['sources'],
    logExtra: {} as Partial<LogStatus>,
    nextLog: 0,
    /** Open log views by id, with what they were opened for. */
    logViews: new Map<string, LogTarget>(),
    /** A window answers at most this many lines (the backend's ~64 KB). */
    logWindowMax: 1000,
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
    usage: { state: { state: 'available' }, series: [], windowSeconds: 900 } as UsageHistory,
  };
  const matching = () => b.rows;
  const logNext = () => b.logFirst + b.log.length;
  // The status version moves whenever what logStatus says of the sources does.
  let statusSeen = '';
  let statusVersion = 0;
  const logStatusVersion = () => {
    const now = JSON.stringify([b.logSources, b.logExtra]);
    if (now !== statusSeen) {
      statusSeen = now;
      statusVersion++;
    }
    return statusVersion;
  };
  const logStatus = (id: string): LogStatus => ({
    id, generation: b.status.generation, version: b.logVersion, statusVersion: logStatusVersion(), first: b.logFirst, next: logNext(), dropped: b.logFirst - 1,
    bytes: 0, pods: 1, sources: b.logSources, ...b.logExtra,
  });
  const logWindow = (id: string, lines: LogLine[]) => ({
    id, generation: b.status.generation, version: b.logVersion, first: b.logFirst, next: logNext(), lines,
  });
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
    usage: vi.fn(async () => b.usage),
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
    beginEdit: vi.fn(async (_kind: string, _ns: string, _name: string): Promise<EditInfo> => ({ id: 'edit-1', generation: 1, resourceVersion: '7' })),
    endEdit: vi.fn(async (_id: string) => undefined),
    editText: vi.fn(async (_gen: number, _id: string) => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n'),
    editLive: vi.fn(async (_gen: number, _id: string) => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: live\n'),
    previewEdit: vi.fn(async (_gen: number, _id: string, _text: string): Promise<EditPreview> => ({ token: 'token-1', diff: '--- live\n+++ preview\n@@ -1 +1 @@\n-  mode: slow\n+  mode: fast\n' })),
    applyEdit: vi.fn(async (_id: string, _token: string): Promise<EditResult> => ({ state: 'applied', resourceVersion: '8' })),
    previewApply: vi.fn(async (_gen: number, _ns: string, _text: string): Promise<ApplyPreview> => ({ documents: [] })),
    applyYAML: vi.fn(async (_token: string, _force: boolean, _indexes: number[]): Promise<ApplyResult[]> => []),
    retryKind: vi.fn(async () => undefined),
    settings: vi.fn(async () => ({ extraPath: [] as string[], window: { width: 0, height: 0 } }) as Record<string, unknown>),
    saveSettings: vi.fn(async (_s: unknown) => undefined),
    desktop: vi.fn(async () => ({ version: '1', settingsFile: '', logFile: '', path: [] as string[], pathSource: 'inherited' }) as Record<string, unknown>),
    openLogFolder: vi.fn(async () => undefined),
    rememberNamespace: vi.fn(async () => undefined),
    focusNamespace: vi.fn(async () => undefined),
    can: vi.fn(async (_verb: string, _kind: string, _ns: string): Promise<{ allowed: boolean; reason?: string }> => ({ allowed: true })),
    planAction: vi.fn(async (req: ActionRequest): Promise<ActionPlan> => ({
      action: req.action, kind: req.kind, namespace: req.namespace,
      objects: req.names.map((name) => ({ name, allowed: true, before: '1', after: String(req.replicas ?? '') })),
      impact: req.names.map((n) => `${n}: replicas 1 → ${req.replicas ?? 0}`),
    })),
    runAction: vi.fn(async (req: ActionRequest): Promise<ActionResult> => ({ objects: req.names.map((name) => ({ name })) })),
    drainStatus: vi.fn(async (id: string): Promise<DrainStatus> => ({ id, generation: 1, node: 'n', state: 'running', pods: [], version: 1 })),
    cancelDrain: vi.fn(async (_id: string) => undefined),
    onDrainChanged: (cb: Listener<DrainNotice>) => {
      drainListeners.add(cb);
      return () => drainListeners.delete(cb);
    },
    revealSecretValue: vi.fn(async (_ns: string, _name: string, key: string) => ({ key, value: 'value-of-' + key, base64: false })),
    helmRelease: vi.fn(async (namespace: string, name: string): Promise<HelmRelease> => ({
      name,
      namespace,
      revision: 2,
      history: [
        { revision: 2, status: 'failed', health: 'error', updated: 1_799_990_000, chart: name + '-1.1.0', appVersion: '2', description: 'Upgrade failed', secret: `sh.helm.release.v1.${name}.v2` },
        { revision: 1, status: 'superseded', health: 'neutral', updated: 1_799_900_000, chart: name + '-1.0.0', appVersion: '1', description: 'Install complete', secret: `sh.helm.release.v1.${name}.v1` },
      ],
      config: { leaves: [{ path: ['db', 'password'], display: 'db.password', type: 'string', size: 6 }] },
      computed: {
        leaves: [
          { path: ['db', 'password'], display: 'db.password', type: 'string', size: 6 },
          { path: ['replicas'], display: 'replicas', type: 'number', size: 1 },
        ],
      },
      notes: 'Thanks for installing ' + name,
      resources: [{ apiVersion: 'v1', apiKind: 'Service', kind: 'services', namespace, name, key: namespace + '/' + name }],
    })),
    revealHelmValue: vi.fn(async (_ns: string, _name: string, revision: number, computed: boolean, path: string[]) => `value-of-${path.join('.')}@${revision}${computed ? '-computed' : ''}`),
    fetchHelmManifest: vi.fn(async (_gen: number, _ns: string, name: string, revision: number) => `# revision ${revision}\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`),
    canReadLogs: vi.fn(async (_kind: string, _ns: string, _name: string) => ({ allowed: true }) as { allowed: boolean; reason?: string }),
    canExec: vi.fn(async (_ns: string) => ({ allowed: true }) as { allowed: boolean; reason?: string }),
    openLogs: vi.fn(async (t: LogTarget) => {
      const id = 'l' + ++b.nextLog;
      b.logViews.set(id, t);
      return logStatus(id);
    }),
    logStatus: vi.fn(async (id: string) => logStatus(id)),
    logLines: vi.fn(async (id: string, from: number, limit: number) => {
      const i = Math.max(0, from - b.logFirst);
      return logWindow(id, b.log.slice(i, i + Math.min(limit, b.logWindowMax)));
    }),
    logTail: vi.fn(async (id: string, limit: number) => logWindow(id, b.log.slice(Math.max(0, b.log.length - limit)))),
    logSearch: vi.fn(async (_id: string, q: LogQuery, from: number, limit: number, backward: boolean) => {
      const m = matcher(q);
      const seqs: number[] = [];
      if (backward) {
        for (let i = Math.min(from - b.logFirst, b.log.length) - 1; i >= 0 && seqs.length < limit; i--) if (m(b.log[i]!)) seqs.push(b.log[i]!.seq);
        return { seqs, next: 0 };
      }
      let i = Math.max(0, from - b.logFirst);
      for (; i < b.log.length && seqs.length < limit; i++) if (m(b.log[i]!)) seqs.push(b.log[i]!.seq);
      return { seqs, next: i < b.log.length ? b.logFirst + i : 0 };
    }),
    logFilterLines: vi.fn(async (id: string, q: LogQuery, from: number, limit: number) => {
      const m = matcher(q);
      const out: LogLine[] = [];
      let i = Math.max(0, from - b.logFirst);
      for (; i < b.log.length && out.length < limit; i++) if (m(b.log[i]!)) out.push(b.log[i]!);
      return { ...logWindow(id, out), next: b.logFirst + i };
    }),
    closeLogs: vi.fn(async (id: string) => {
      b.logViews.delete(id);
    }),
    downloadLogs: vi.fn(async (_kind: string, _ns: string, _name: string, _container: string, _previous: boolean, _timestamps: boolean) => 'd1'),
    cancelDownload: vi.fn(async (_id: string) => undefined),
    saveLogLines: vi.fn(async (_id: string, _timestamps: boolean) => ({ path: '/home/me/web.log', lines: 42 })),
    onLogsChanged: (cb: Listener<LogNotice>) => {
      logListeners.add(cb);
      return () => logListeners.delete(cb);
    },
    onLogDownload: (cb: Listener<DownloadProgress>) => {
      downloadListeners.add(cb);
      return () => downloadListeners.delete(cb);
    },
    canPortForward: vi.fn(async (_kind: string, _ns: string, _name: string) => ({ allowed: true }) as { allowed: boolean; reason?: string }),
    forwardPorts: vi.fn(async (_kind: string, _ns: string, _name: string) => b.forwardPorts),
    startForward: vi.fn(async (req: ForwardRequest) => {
      const port = req.localPort || 40000 + b.forwards.length;
      const f: Forward = {
        id: 'f' + (b.forwards.length + 1), generation: b.status.generation, kind: req.kind, namespace: req.namespace, name: req.name,
        port: req.port, remotePort: 8080, pod: req.name, localPort: req.localPort, address: '127.0.0.1:' + port, state: 'active',
        connections: 0, totalConnections: 0, bytesIn: 0, bytesOut: 0,
      };
      b.forwards = [...b.forwards, f];
      return f;
    }),
    stopForward: vi.fn(async (id: string) => setForward(id, { state: 'stopped', connections: 0 })),
    restartForward: vi.fn(async (id: string) => setForward(id, { state: 'active' })),
    removeForward: vi.fn(async (id: string) => {
      b.forwards = b.forwards.filter((f) => f.id !== id);
    }),
    forwards: vi.fn(async () => b.forwards),
    saveForward: vi.fn(async (id: string, saved: boolean) => {
      setForward(id, { saved });
    }),
    openInBrowser: vi.fn((_url: string) => undefined),
    onForwardsChanged: (cb: Listener<ForwardsNotice>) => {
      forwardListeners.add(cb);
      return () => forwardListeners.delete(cb);
    },
    canNodeShell: vi.fn(async () => ({ allowed: true }) as { allowed: boolean; reason?: string }),
    planNodeShell: vi.fn(async (node: string) => nodeShellPlan(node)),
    openNodeShell: vi.fn(async (_planId: string, _cols: number, _rows: number) => ({
      id: 't1', generation: 1, namespace: 'kube-system', pod: 'crowsnest-node-shell-node-1-x7k2p', container: 'shell', containers: ['shell'], command: [], node: 'node-1',
    })),
    closeTerminal: vi.fn(async (_id: string) => undefined),
    resizeTerminal: vi.fn(async (_id: string, _cols: number, _rows: number) => undefined),
    nodeShellLeftovers: vi.fn(async (): Promise<NodeShellLeftovers> => ({ generation: b.status.generation, pods: [], scope: 'all namespaces' })),
    deleteNodeShellPod: vi.fn(async (_generation: number, _ns: string, _name: string) => undefined),
  };
  function setForward(id: string, over: Partial<Forward>): Forward {
    const i = b.forwards.findIndex((f) => f.id === id);
    const cur = b.forwards[i];
    if (!cur) throw new Error(`port-forward "${id}": no such port-forward`);
    const f: Forward = { ...cur, ...over };
    b.forwards = b.forwards.map((g, j) => (j === i ? f : g));
    return f;
  }
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
    /** drainChanged sends drain:changed, as the backend does when a drain's status moved. */
    drainChanged(id: string, generation = b.status.generation) {
      for (const l of drainListeners) l({ id, generation });
    },
    /** forwardsChanged replaces the forwards and sends forwards:changed, as the backend does. */
    forwardsChanged(list: Forward[], generation = b.status.generation) {
      b.forwards = list;
      for (const l of forwardListeners) l({ generation });
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
    /** setLog replaces the log every view reads (no notice). */
    setLog(lines: LogLine[], first = 1) {
      b.log = lines;
      b.logFirst = first;
    },
    /** appendLog adds lines and tells every open log view, as the backend's coalesced notice does. */
    appendLog(texts: string[], pod = 'web-0', container = 'app') {
      for (const t of texts) b.log.push(logLine(b.logFirst + b.log.length, t, pod, container));
      this.logNotice();
    },
    /** dropLog lets the n oldest lines fall out of the ring. */
    dropLog(n: number) {
      b.log.splice(0, n);
      b.logFirst += n;
      this.logNotice();
    },
    logNotice() {
      b.logVersion++;
      for (const id of b.logViews.keys()) {
        for (const l of logListeners) l({ id, generation: b.status.generation, version: b.logVersion, statusVersion: logStatusVersion(), next: logNext(), dropped: b.logFirst - 1 });
      }
    },
    download(p: DownloadProgress) {
      for (const l of downloadListeners) l(p);
    },
    reset() {
      b.status = status();
      b.rows = [];
      b.version = 1;
      b.nextView = 0;
      b.specs.clear();
      b.badSelector = '';
      b.details = null;
      b.usage = { state: { state: 'available' }, series: [], windowSeconds: 900 };
      b.kinds = KINDS;
      b.nextWatch = 0;
      b.watches.clear();
      b.log = [];
      b.logFirst = 1;
      b.logVersion = 1;
      b.logSources = [{ pod: 'web-0', container: 'app', state: 'streaming' }];
      b.logExtra = {};
      b.nextLog = 0;
      b.logViews.clear();
      b.logWindowMax = 1000;
      b.forwards = [];
      b.forwardPorts = [{ port: 'http', number: 8080, name: 'http', container: 'app' }];
      for (const f of Object.values(api)) if (vi.isMockFunction(f)) f.mockReset(); // back to the implementations above
    },
  };
}

export const fake = fakeBackend();
