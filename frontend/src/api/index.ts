// The one door between the app and the Go backend: typed wrappers over the
// generated Wails bindings and runtime events, plus the YAML fetch served by
// the backend's AssetServer handler. Components and tests depend on this
// module only, never on wailsjs directly.
import * as App from '../../wailsjs/go/main/App';
import { BrowserOpenURL, ClipboardGetText, ClipboardSetText, EventsOn } from '../../wailsjs/runtime/runtime';
import type { model, settings } from '../../wailsjs/go/models';

// The generated classes carry a convertValues helper, at any depth; the app
// only needs data.
type Data<T> = T extends (infer E)[]
  ? Data<E>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Data<T[K]> }
    : T;

/** Row is one table row: cells hold one value per column of its kind, in the kind's column order. */
export type Row = model.Row;
export type Window = Data<model.Window>;
export type ViewInfo = model.ViewInfo;
/** ViewNotice is the payload of view:changed; removed: the view's kind is no longer served. */
export type ViewNotice = { viewId: string; generation: number; version: number; count: number; removed?: boolean };
/** ObjectNotice is the payload of object:changed: the object a details watch follows changed, or is gone. */
export type ObjectNotice = { watchId: string; generation: number; version: number; gone?: boolean };
export type SessionStatus = Data<model.SessionStatus>;
/** MetricsStatus is the state of metrics.k8s.io per measured resource (pods, nodes), in the session status. */
export type MetricsStatus = Data<model.MetricsStatus>;
export type MetricsState = model.MetricsState;
/** UsageHistory is the kept window of a pod's (total, then each container) or node's measurements. */
export type UsageHistory = Data<model.UsageHistory>;
export type UsageSeries = Data<model.UsageSeries>;
export type UsagePoint = model.UsagePoint;
/** KindInfo describes one kind the session can show: its navigation group, columns and default sort. */
export type KindInfo = Data<model.KindInfo>;
export type KindList = Data<model.KindList>;
/** Column is one column of a kind's table; its type says how cells sort, size and read. */
export type Column = model.Column;
export type ColumnType = 'text' | 'integer' | 'number' | 'boolean' | 'quantity' | 'duration' | 'timestamp';
/** ObjectEvent is one Kubernetes Event about the object of a details panel. */
export type ObjectEvent = model.Event;
/** FactTable is a small table of a details panel (a Role's rules, an HPA's metrics). */
export type FactTable = model.Table;
export type KindStatus = model.KindStatus;
export type ContextInfo = model.ContextInfo;
export type Details = Data<model.Details>;
export type Condition = model.Condition;
export type Container = model.Container;
export type About = model.About;
export type SecretValue = model.SecretValue;
export type Permission = model.Permission;
export type Desktop = model.Desktop;
export type Settings = Data<settings.Settings>;
export type SecretKey = model.SecretKey;

/** KindAction is an action a kind declares: what the page offers, and what RBAC must allow. */
export type KindAction = model.Action;
/** ActionRequest asks for an action on objects of one kind in one namespace; observed carries what the plan showed (refused if changed since). */
export type ActionRequest = Data<model.ActionRequest>;
/** ActionPlan is what an action would do: per object allowed or why not, before → after, impact, children, a drain's pods and budgets, revisions, the dry-run's answer. */
export type ActionPlan = Data<model.ActionPlan>;
export type ActionObject = model.ActionObject;
export type ActionResult = Data<model.ActionResult>;
export type DrainOptions = model.DrainOptions;
export type DrainPod = model.DrainPod;
export type DrainStatus = Data<model.DrainStatus>;
export type Revision = Data<model.Revision>;
/** DrainNotice is the payload of drain:changed: read DrainStatus again. */
export type DrainNotice = { id: string; generation: number };

/** LogTarget is what a log view streams: one pod, or every pod of a workload or Service. */
export type LogTarget = model.LogTarget;
/** LogStatus is a log view: lines first..next-1 are kept, dropped fell out; one source per container streamed. */
export type LogStatus = Data<model.LogStatus>;
export type LogSource = model.LogSource;
export type LogSourceState = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'error';
/** LogSpan is a run of a line's text in one style; fg and bg are "", a palette index "0".."255" or "#rrggbb". */
export type LogSpan = model.LogSpan;
export type LogLine = Data<model.LogLine>;
export type LogWindow = Data<model.LogWindow>;
/** LogQuery is a search of a log view: a substring or an RE2 regular expression over the text without escape codes. */
export type LogQuery = model.LogQuery;
/** LogMatches are matching sequence numbers in the direction searched; next 0 means no more. */
export type LogMatches = model.LogMatches;
/** LogNotice is the payload of logs:changed: new lines or a new state of a log view. */
export type LogNotice = { id: string; generation: number; version: number; statusVersion: number; next: number; dropped: number };
/** DownloadProgress is the payload of logs:download. */
export type DownloadProgress = { id: string; path: string; written: number; done?: boolean; error?: string };

/** ForwardRequest asks for a port-forward to a pod, or a Ready pod of a Service or workload; port is a number or a port name. */
export type ForwardRequest = model.ForwardRequest;
/** Forward is a port-forward as the panel lists it: target, ports, state with message, connections and bytes. */
export type Forward = model.Forward;
export type ForwardState = 'starting' | 'active' | 'reconnecting' | 'error' | 'stopped';
/** ForwardPort is a port the "Forward port" form offers: a container port, or a Service's port. */
export type ForwardPort = model.ForwardPort;
/** ForwardsNotice is the payload of forwards:changed: read the list again. */
export type ForwardsNotice = { generation: number };
/** TerminalTarget is where a terminal opens: a pod, its container ("" = the default one) and an optional command instead of the shell. */
export type TerminalTarget = model.TerminalTarget;
/** TerminalInfo is an open terminal: its id, the container it runs in and the pod's other containers. */
export type TerminalInfo = model.TerminalInfo;
/** TerminalOutput is the payload of terminal:output: the next piece of output (seq from 1, no gaps), to be written as data, never markup. */
export type TerminalOutput = { id: string; generation: number; seq: number; data: string };
/** TerminalEnded is the payload of terminal:ended, after a terminal's last output: its exit code, or why it ended. */
export type TerminalEnded = { id: string; generation: number; exited: boolean; exitCode: number; reason?: string };

/** EditInfo is an edit begun from the live object: its id and the resourceVersion the update will carry. */
export type EditInfo = model.EditInfo;
/** ChangeEntry is one observed change of an object (or a gap: op "gap"). */
export type ChangeEntry = Data<model.ChangeEntry>;
export type FieldChange = Data<model.FieldChange>;
export type ChangeFilter = model.ChangeFilter;
export type ChangeViewInfo = Data<model.ChangeViewInfo>;
export type ChangeWindow = Data<model.ChangeWindow>;
export type Timeline = Data<model.Timeline>;
export type ChangeCompare = Data<model.ChangeCompare>;
/** ChangesNotice is the payload of changes:changed. */
export type ChangesNotice = { viewId: string; generation: number; version: number; count: number };
/** YAMLError is a text that does not parse: line and column from 1, document from 0. */
export type YAMLError = { document: number; line: number; column: number; message: string };
/** EditConflict is a field changed both live and in the edit, to different values (compact JSON; "" = removed). */
export type EditConflict = model.EditConflict;
/** Rebase: the object changed since the edit began; the edit's text is now the merge, to preview again. */
export type Rebase = { resourceVersion: string; conflicts?: EditConflict[] };
/** EditPreview answers a preview: a token and the diff (dryRun=All), or a YAML error, an API error, or a rebase. */
export type EditPreview = { token?: string; diff: string; yamlError?: YAMLError; error?: string; rebase?: Rebase };
export type EditResult = { state: 'applied' | 'rebased'; resourceVersion?: string; rebase?: Rebase };
/** FieldConflict is a field another field manager owns. */
export type FieldConflict = model.FieldConflict;
/** ApplyDocument is one document of a "Create / apply YAML" preview. */
export type ApplyDocument = {
  index: number;
  line: number;
  apiVersion: string;
  kind: string;
  /** kindId is the session's kind ("deployments"), absent when unknown. */
  kindId?: string;
  namespace?: string;
  name: string;
  exists: boolean;
  diff: string;
  conflicts?: FieldConflict[];
  error?: string;
};
export type ApplyPreview = { token?: string; documents: ApplyDocument[]; yamlError?: YAMLError; error?: string };
/** ApplyResult is what applying one document did: created, configured, unchanged, conflict or error. */
export type ApplyResult = Data<model.ApplyResult>;

/** ViewSpec is what a table shows; sortBy is a column id ("" = namespace, name). */
export type ViewSpec = Data<model.ViewSpec>;

export const EVENT_VIEW_CHANGED = 'view:changed';
/** changes:changed: a Changes view's entries changed (ChangesNotice). */
export const EVENT_CHANGES_CHANGED = 'changes:changed';
/** The most entries changesWindow answers (the backend's window limit). */
export const MAX_CHANGES_WINDOW = 100;
export const EVENT_OBJECT_CHANGED = 'object:changed';
/** The most rows viewRows answers (the backend's view.MaxTableWindow). */
export const MAX_WINDOW = 200;
export const EVENT_SESSION_STATUS = 'session:status';
export const EVENT_LOGS_CHANGED = 'logs:changed';
export const EVENT_LOG_DOWNLOAD = 'logs:download';
export const EVENT_FORWARDS_CHANGED = 'forwards:changed';
export const EVENT_DRAIN_CHANGED = 'drain:changed';
/** The feature (KindInfo.features) of kinds whose objects can be port-forwarded to. */
export const FEATURE_FORWARD = 'forward';
/** The feature (KindInfo.features) of kinds whose objects have container logs. */
export const FEATURE_LOGS = 'logs';
/** The feature of kinds whose objects run containers a terminal can open in (pods). */
export const FEATURE_EXEC = 'exec';
/** The feature of kinds a node shell can open on (nodes), when the settings enable it for the context. */
export const FEATURE_NODE_SHELL = 'nodeshell';
/** The feature of Helm releases: the details show their history, values, manifest and resources (helmRelease). */
export const FEATURE_HELM = 'helm';
/** The feature of kinds whose objects have no YAML of their own (made from other objects, as Helm releases from Secrets). */
export const FEATURE_NO_YAML = 'noyaml';
/** HelmRelease is a release read from its Secrets now: history, the places of its values (never the values), notes, resources. */
export type HelmRelease = Data<model.HelmRelease>;
export type HelmRevision = model.HelmRevision;
export type HelmValueLeaf = model.HelmValueLeaf;
export type HelmResource = model.HelmResource;
/** NodeShellPlan is the pod a node shell would create (checked by a server dry run, nothing created): shown before openNodeShell creates it. */
export type NodeShellPlan = model.NodeShellPlan;
/** NodeShellPod is a node shell pod that no terminal of this window holds (left behind by an earlier run, or another app's). */
export type NodeShellPod = model.NodeShellPod;
export type NodeShellLeftovers = Data<model.NodeShellLeftovers>;
export const EVENT_TERMINAL_OUTPUT = 'terminal:output';
export const EVENT_TERMINAL_ENDED = 'terminal:ended';
/** The most one terminalInput call carries (the backend refuses more). */
export const MAX_TERMINAL_INPUT = 64 << 10;

/** errorMessage turns a rejected bound call (Wails rejects with a string) into text. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return String(e);
}

export const api = {
  about: (): Promise<About> => App.About(),
  contexts: (): Promise<ContextInfo[]> => App.Contexts(),
  switchContext: (name: string): Promise<SessionStatus> => App.SwitchContext(name),
  status: (): Promise<SessionStatus> => App.Status(),
  namespaces: (): Promise<string[]> => App.Namespaces(),
  /** kinds lists the kinds of the current session in display order; ask again when the status's kindsVersion moves. */
  kinds: (): Promise<KindList> => App.Kinds(),
  /** focusNamespace tells session generation which namespace the user looks at, so its status counts kinds there. */
  focusNamespace: (generation: number, namespace: string): Promise<void> => App.FocusNamespace(generation, namespace),
  openView: (spec: ViewSpec): Promise<ViewInfo> => App.OpenView(spec),
  updateView: (id: string, spec: ViewSpec): Promise<ViewInfo> => App.UpdateView(id, spec),
  /** viewRows reads a window of a view's rows as the table shows them (no labels or images), up to MAX_WINDOW. */
  viewRows: (id: string, offset: number, limit: number): Promise<Window> => App.ViewTableRows(id, offset, limit),
  closeView: (id: string): Promise<void> => App.CloseView(id),
  details: (kind: string, namespace: string, name: string): Promise<Details> => App.Details(kind, namespace, name),
  /**
   * watchDetails follows one object for a details panel: the backend emits
   * object:changed with the returned id whenever the object, the events
   * about it or its dependents change. End it with unwatchDetails.
   */
  watchDetails: (kind: string, namespace: string, name: string): Promise<string> => App.WatchDetails(kind, namespace, name),
  unwatchDetails: (id: string): Promise<void> => App.UnwatchDetails(id),
  /** usage is the kept window of a pod's or node's CPU and memory measurements (metrics.k8s.io). */
  usage: (kind: string, namespace: string, name: string): Promise<UsageHistory> => App.Usage(kind, namespace, name),
  settings: (): Promise<Settings> => App.Settings(),
  saveSettings: (s: Settings): Promise<void> => App.SaveSettings(s as Parameters<typeof App.SaveSettings>[0]),
  desktop: (): Promise<Desktop> => App.Desktop(),
  rememberNamespace: (context: string, namespace: string): Promise<void> => App.RememberNamespace(context, namespace),
  openLogFolder: (): Promise<void> => App.OpenLogFolder(),
  /** retryKind checks a kind's access again after "no access" or "access lost". */
  retryKind: (kind: string): Promise<void> => App.RetryKind(kind),
  /** can asks whether the user may perform verb on kind in namespace, and if not, why (cached per session). */
  can: (verb: string, kind: string, namespace: string): Promise<Permission> => App.Can(verb, kind, namespace),
  /** revealSecretValue fetches one Secret value on the user's explicit request; it is never stored. */
  revealSecretValue: (namespace: string, name: string, key: string): Promise<SecretValue> =>
    App.RevealSecretValue(namespace, name, key),

  /** helmRelease reads a release's history, values (their places only), notes and resources from its Secrets. */
  helmRelease: (namespace: string, name: string): Promise<HelmRelease> => App.HelmRelease(namespace, name),
  /** revealHelmValue reads one value of a revision (user-supplied, or computed) on the user's explicit request; it is never stored. */
  revealHelmValue: (namespace: string, name: string, revision: number, computed: boolean, path: string[]): Promise<string> =>
    App.RevealHelmValue(namespace, name, revision, computed, path),
  /** fetchHelmManifest reads a revision's rendered manifest from the backend's handler (too big for a bound call). */
  fetchHelmManifest: (generation: number, namespace: string, name: string, revision: number): Promise<string> =>
    fetchText('/api/helm/manifest', { gen: String(generation), namespace, name, revision: String(revision) }),

  /** canReadLogs asks whether the user may read the object's logs (get pods/log), and if not, why. */
  canReadLogs: (kind: string, namespace: string, name: string): Promise<Permission> => App.CanReadLogs(kind, namespace, name),
  /** openLogs starts a log view; logs:changed tells of its new lines. End it with closeLogs. */
  openLogs: (target: LogTarget): Promise<LogStatus> => App.OpenLogs(target),
  /**
   * logStatus reads a log view's status again (its sources' states). Not in
   * the first contract: a backend without it rejects, and the page keeps the
   * status openLogs gave.
   */
  logStatus: async (id: string): Promise<LogStatus> => App.LogStatus(id),
  /** logLines reads lines with seq >= from, at most limit and ~64 KB. */
  logLines: (id: string, from: number, limit: number): Promise<LogWindow> => App.LogLines(id, from, limit),
  /** logTail reads the last limit lines. */
  logTail: (id: string, limit: number): Promise<LogWindow> => App.LogTail(id, limit),
  /** logSearch finds up to limit matching lines from seq from on, or (backward) before it, nearest first. */
  logSearch: (id: string, query: LogQuery, from: number, limit: number, backward: boolean): Promise<LogMatches> =>
    App.LogSearch(id, query, from, limit, backward),
  /** logFilterLines reads only the matching lines from seq from on; next is where the scan stopped. */
  logFilterLines: (id: string, query: LogQuery, from: number, limit: number): Promise<LogWindow> =>
    App.LogFilterLines(id, query, from, limit),
  closeLogs: (id: string): Promise<void> => App.CloseLogs(id),
  /**
   * downloadLogs asks where to save a container's whole log (a native
   * dialog) and writes it from Go; it answers the download's id, "" when the
   * user cancelled. Progress comes on logs:download.
   */
  downloadLogs: (kind: string, namespace: string, name: string, container: string, previous: boolean, timestamps: boolean): Promise<string> =>
    App.DownloadLogs(kind, namespace, name, container, previous, timestamps),
  cancelDownload: (id: string): Promise<void> => App.CancelDownload(id),
  /**
   * saveLogLines asks where to save the lines a log view keeps now (a
   * native dialog) and writes them from Go, tagged with their pod and
   * container when there are several; path is "" when the user cancelled.
   */
  saveLogLines: (id: string, timestamps: boolean): Promise<{ path: string; lines: number }> => App.SaveLogLines(id, timestamps),

  /** canPortForward asks whether the user may forward ports of the object (create pods/portforward), and if not, why. */
  canPortForward: (kind: string, namespace: string, name: string): Promise<Permission> => App.CanPortForward(kind, namespace, name),
  /** forwardPorts lists the ports an object offers: container ports, or a Service's ports. */
  forwardPorts: (kind: string, namespace: string, name: string): Promise<ForwardPort[]> => App.ForwardPorts(kind, namespace, name),
  /** startForward starts a port-forward on 127.0.0.1; it answers once the forward listens, or rejects with why not. */
  startForward: (req: ForwardRequest): Promise<Forward> => App.StartForward(req),
  stopForward: (id: string): Promise<Forward> => App.StopForward(id),
  restartForward: (id: string): Promise<Forward> => App.RestartForward(id),
  removeForward: (id: string): Promise<void> => App.RemoveForward(id),
  /** forwards lists the current context's port-forwards; read it again on forwards:changed. */
  forwards: (): Promise<Forward[]> => App.Forwards(),
  /** saveForward keeps a forward for its context (restored, stopped, at the next connect), or forgets it. */
  saveForward: (id: string, saved: boolean): Promise<void> => App.SaveForward(id, saved),
  /** openInBrowser opens a URL in the system browser, never in the app's window. */
  openInBrowser: (url: string): void => BrowserOpenURL(url),

  /** canExec asks whether the user may open terminals in a namespace (create pods/exec), and if not, why. */
  canExec: (namespace: string): Promise<Permission> => App.CanExec(namespace),
  /** terminalPod names the pod a terminal into an object opens in: the pod itself, or a Ready pod of a workload or Service. */
  terminalPod: (kind: string, namespace: string, name: string): Promise<string> => App.TerminalPod(kind, namespace, name),
  /** openTerminal starts a shell in a pod's container; terminal:output and terminal:ended carry its id. End it with closeTerminal. */
  openTerminal: (target: TerminalTarget): Promise<TerminalInfo> => App.OpenTerminal(target),
  /** terminalInput sends typed or pasted text (at most MAX_TERMINAL_INPUT a call; send one call at a time to keep the order). */
  terminalInput: (id: string, data: string): Promise<void> => App.TerminalInput(id, data),
  resizeTerminal: (id: string, cols: number, rows: number): Promise<void> => App.ResizeTerminal(id, cols, rows),
  /** terminalAck says outputs up to seq are written: the backend sends only a few outputs ahead of it. */
  terminalAck: (id: string, seq: number): Promise<void> => App.TerminalAck(id, seq),
  closeTerminal: (id: string): Promise<void> => App.CloseTerminal(id),
  /** canNodeShell asks whether node shells may open in the current context (enabled in Settings, RBAC), and if not, why. */
  canNodeShell: (): Promise<Permission> => App.CanNodeShell(),
  /** planNodeShell builds the pod a node shell on node would create, checked by a server dry run; nothing is created. */
  planNodeShell: (node: string): Promise<NodeShellPlan> => App.PlanNodeShell(node),
  /**
   * openNodeShell creates the planned pod (a plan is used once), waits until
   * it runs and opens a terminal in it; closeTerminal deletes the pod.
   */
  openNodeShell: (planId: string, cols: number, rows: number): Promise<TerminalInfo> => App.OpenNodeShell(planId, cols, rows),
  /** nodeShellLeftovers lists the node shell pods no terminal of this window holds; ask once per session. */
  nodeShellLeftovers: (): Promise<NodeShellLeftovers> => App.NodeShellLeftovers(),
  /** deleteNodeShellPod deletes one leftover node shell pod listed by session generation. */
  deleteNodeShellPod: (generation: number, namespace: string, name: string): Promise<void> => App.DeleteNodeShellPod(generation, namespace, name),
  /** openURL opens a link in the system browser, never in the app's window. */
  openURL: (url: string): void => BrowserOpenURL(url),
  clipboardText: (): Promise<string> => ClipboardGetText(),
  setClipboardText: (text: string): Promise<boolean> => ClipboardSetText(text),

  /** openChanges opens a Changes view: observed changes matching the filter, newest first. */
  openChanges: (f: ChangeFilter): Promise<ChangeViewInfo> => App.OpenChanges(f),
  updateChanges: (id: string, f: ChangeFilter): Promise<ChangeViewInfo> => App.UpdateChanges(id, f),
  /** changesWindow reads entries [offset, offset+limit) of a Changes view, newest first. */
  changesWindow: (id: string, offset: number, limit: number): Promise<ChangeWindow> => App.ChangesWindow(id, offset, limit),
  closeChanges: (id: string): Promise<void> => App.CloseChanges(id),
  /** changeEntry reads one change with all its fields. */
  changeEntry: (seq: number): Promise<ChangeEntry> => App.ChangeEntry(seq),
  /** timeline reads an object's observed changes (and a Deployment's revisions). */
  timeline: (kind: string, namespace: string, name: string): Promise<Timeline> => App.Timeline(kind, namespace, name),
  /** compareChange reads a change's fields with their values now. */
  compareChange: (generation: number, seq: number): Promise<ChangeCompare> => App.CompareChange(generation, seq),
  /** beginRestore begins an edit whose text has a change's fields set back; preview and apply as any edit. */
  beginRestore: (generation: number, seq: number): Promise<EditInfo> => App.BeginRestore(generation, seq),
  /** beginEdit starts editing an object from its live state; its text comes from editText. */
  beginEdit: (kind: string, namespace: string, name: string): Promise<EditInfo> => App.BeginEdit(kind, namespace, name),
  /** applyEdit applies the text whose preview answered token, as previewed; "rebased" when the object changed meanwhile. */
  applyEdit: (id: string, token: string): Promise<EditResult> => App.ApplyEdit(id, token) as Promise<EditResult>,
  endEdit: (id: string): Promise<void> => App.EndEdit(id),
  /** applyYAML applies a previewed text's documents by server-side apply; force takes over other managers' fields. */
  applyYAML: (token: string, force: boolean, indexes: number[]): Promise<ApplyResult[]> => App.ApplyYAML(token, force, indexes),
  /** editText reads the text an edit's editor holds (the object, or the merge after a rebase). */
  editText: (generation: number, id: string): Promise<string> => fetchText('/api/edit/text', { gen: String(generation), id }),
  /** editLive reads the live object an edit is based on now (the left side of a conflict). */
  editLive: (generation: number, id: string): Promise<string> => fetchText('/api/edit/live', { gen: String(generation), id }),
  /** previewEdit sends the text as an update with dryRun=All: the diff the server would make, or why not. */
  previewEdit: (generation: number, id: string, text: string): Promise<EditPreview> =>
    postText<EditPreview>('/api/edit/preview', { gen: String(generation), id }, text),
  /** previewApply dry-runs a text of documents as server-side applies; namespace is the default of namespaced kinds. */
  previewApply: (generation: number, namespace: string, text: string): Promise<ApplyPreview> =>
    postText<ApplyPreview>('/api/apply/preview', { gen: String(generation), namespace }, text),
  /** planAction says what an action would do, changing nothing (RBAC per object, impact, server dry-run). */
  planAction: (req: ActionRequest): Promise<ActionPlan> => App.PlanAction(req as model.ActionRequest),
  /** runAction performs it, one write per object; per-object errors are the API's messages as is. */
  runAction: (req: ActionRequest): Promise<ActionResult> => App.RunAction(req as model.ActionRequest),
  drainStatus: (id: string): Promise<DrainStatus> => App.DrainStatus(id),
  cancelDrain: (id: string): Promise<void> => App.CancelDrain(id),
  onDrainChanged(cb: (n: DrainNotice) => void): () => void {
    return EventsOn(EVENT_DRAIN_CHANGED, (n: DrainNotice) => cb(n));
  },

  /** onChangesChanged subscribes to Changes view notices; it returns the unsubscribe. */
  onChangesChanged(cb: (n: ChangesNotice) => void): () => void {
    return EventsOn(EVENT_CHANGES_CHANGED, (n: ChangesNotice) => cb(n));
  },
  /** onViewChanged subscribes to view notices; it returns the unsubscribe. */
  onViewChanged(cb: (n: ViewNotice) => void): () => void {
    return EventsOn(EVENT_VIEW_CHANGED, (n: ViewNotice) => cb(n));
  },
  onSessionStatus(cb: (s: SessionStatus) => void): () => void {
    return EventsOn(EVENT_SESSION_STATUS, (s: SessionStatus) => cb(s));
  },
  /** onObjectChanged subscribes to the notices of details watches; it returns the unsubscribe. */
  onObjectChanged(cb: (n: ObjectNotice) => void): () => void {
    return EventsOn(EVENT_OBJECT_CHANGED, (n: ObjectNotice) => cb(n));
  },
  /** onLogsChanged subscribes to log view notices; it returns the unsubscribe. */
  onLogsChanged(cb: (n: LogNotice) => void): () => void {
    return EventsOn(EVENT_LOGS_CHANGED, (n: LogNotice) => cb(n));
  },
  onLogDownload(cb: (p: DownloadProgress) => void): () => void {
    return EventsOn(EVENT_LOG_DOWNLOAD, (p: DownloadProgress) => cb(p));
  },
  /** onForwardsChanged subscribes to port-forward notices; it returns the unsubscribe. */
  onForwardsChanged(cb: (n: ForwardsNotice) => void): () => void {
    return EventsOn(EVENT_FORWARDS_CHANGED, (n: ForwardsNotice) => cb(n));
  },
  onTerminalOutput(cb: (o: TerminalOutput) => void): () => void {
    return EventsOn(EVENT_TERMINAL_OUTPUT, (o: TerminalOutput) => cb(o));
  },
  onTerminalEnded(cb: (e: TerminalEnded) => void): () => void {
    return EventsOn(EVENT_TERMINAL_ENDED, (e: TerminalEnded) => cb(e));
  },

  /**
   * fetchYAML reads an object's YAML from the backend's HTTP handler. The
   * generation makes the backend refuse (409) a request from an older session,
   * so a late answer never shows another context's object.
   */
  async fetchYAML(generation: number, kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<string> {
    const q = new URLSearchParams({ gen: String(generation), kind, namespace, name });
    const res = await fetch('/api/yaml?' + q.toString(), { signal, cache: 'no-store' });
    const body = await res.text();
    if (res.status === 409) throw new Error('The context changed while the YAML was loading.');
    if (!res.ok) throw new Error(body.trim() || `YAML request failed (${res.status})`);
    return body;
  },
};

export type Api = typeof api;

/** fetchText reads a text the backend serves behind the AssetServer (too big for a bound call). */
async function fetchText(path: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(path + '?' + new URLSearchParams(params).toString(), { cache: 'no-store' });
  const body = await res.text();
  if (res.status === 409) throw new Error('The context changed meanwhile.');
  if (!res.ok) throw new Error(body.trim() || `request failed (${res.status})`);
  return body;
}

/** postText sends a text to the backend's handler and reads its JSON answer. */
async function postText<T>(path: string, params: Record<string, string>, text: string): Promise<T> {
  const res = await fetch(path + '?' + new URLSearchParams(params).toString(), {
    method: 'POST',
    body: text,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    cache: 'no-store',
  });
  if (res.status === 409) throw new Error('The context changed meanwhile.');
  if (!res.ok) throw new Error((await res.text()).trim() || `request failed (${res.status})`);
  return (await res.json()) as T;
}
