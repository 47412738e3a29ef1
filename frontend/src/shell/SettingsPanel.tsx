import { useEffect, useState } from 'react';
import { api, errorMessage, type Desktop, type Settings } from '../api';
import { useEscape } from '../useEscape';
import { DEFAULT_FONT_SIZE, terminalFontSize } from '../terminal/fontSize';
import { settingsSaved } from './settingsSaved';
import { writeMode } from '../writes/writeMode';

interface Props {
  /** context is the connected context ('' when none): its read-only switch and its node shell switch are shown. */
  context?: string;
  onClose: () => void;
  /** onTheme applies a theme choice at once (it is saved here too). */
  onTheme: (theme: string) => void;
}

/** The log buffer's bounds, as backend/settings checks them; empty means the default. */
export const LOG_LINES = { min: 1_000, max: 10_000_000, default: 100_000 };
export const LOG_MIB = { min: 1, max: 4096, default: 32 };
/** CHANGES_MIB bounds the change timeline's memory (settings.MaxChangesMaxMiB). */
export const CHANGES_MIB = { min: 1, max: 1024, default: 32 };
/** The terminal font size's bounds (settings.MinTerminalFontSize...). */
export const FONT_SIZE = { min: 8, max: 32, default: DEFAULT_FONT_SIZE };
/** The metrics poll interval's bounds in seconds (settings.MinMetricsIntervalSeconds...): never faster than every 5 s. */
export const METRICS_INTERVAL = { min: 5, max: 3600, default: 15 };

/** parseCap reads a bounded number field (log buffer, font size): "" is 0 (the default); anything else a whole number within bounds, or an error. */
export function parseCap(text: string, b: { min: number; max: number }, what: string): number | string {
  const t = text.trim().replace(/[,_ ]/g, '');
  if (t === '') return 0;
  if (!/^\d+$/.test(t)) return `${what}: a whole number, or empty for the default`;
  const n = Number(t);
  if (n < b.min || n > b.max) return `${what}: between ${b.min.toLocaleString()} and ${b.max.toLocaleString()}`;
  return n;
}

/** The node shell pod's defaults (settings.DefaultNodeShellImage, DefaultNodeShellNamespace). */
export const NODE_SHELL = { image: 'busybox:1.36', namespace: 'kube-system' };

/** checkNodeShell reads the node shell's image and namespace fields: "" is the default; an error names the field. */
export function checkNodeShell(image: string, namespace: string): { image: string; namespace: string } | string {
  const i = image.trim();
  const n = namespace.trim();
  if (i !== '' && (i.length > 512 || !/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(i))) return `Node shell image: "${i}" is not an image reference such as ${NODE_SHELL.image}`;
  if (n !== '' && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n)) return `Node shell namespace: "${n}" is not a namespace name`;
  return { image: i, namespace: n };
}

/** parsePath turns the textarea into directories: one a line, blanks dropped, duplicates once. */
export function parsePath(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const dir = line.trim();
    if (dir !== '' && !out.includes(dir)) out.push(dir);
  }
  return out;
}

/**
 * SettingsPanel edits what the app cannot guess: extra directories to search
 * for kubeconfig exec credential plugins (aws, gke-gcloud-auth-plugin,
 * kubelogin...) when started from a desktop menu with a short PATH. It also
 * shows where the settings and the log live and the PATH plugins are looked
 * up in.
 */
export function SettingsPanel({ context = '', onClose, onTheme }: Props) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [desktop, setDesktop] = useState<Desktop | null>(null);
  const [text, setText] = useState('');
  const [logLines, setLogLines] = useState('');
  const [logMiB, setLogMiB] = useState('');
  const [changesMiB, setChangesMiB] = useState('');
  const [fontSize, setFontSize] = useState('');
  const [metricsInterval, setMetricsInterval] = useState('');
  const [nodeShellOn, setNodeShellOn] = useState(false);
  const [shellImage, setShellImage] = useState('');
  const [shellNamespace, setShellNamespace] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.settings().then(
      (s) => {
        setSettings(s);
        setText((s.extraPath ?? []).join('\n'));
        setLogLines(s.logs?.maxLines ? String(s.logs.maxLines) : '');
        setLogMiB(s.logs?.maxMiB ? String(s.logs.maxMiB) : '');
        setChangesMiB(s.changes?.maxMiB ? String(s.changes.maxMiB) : '');
        setFontSize(s.terminal?.fontSize ? String(s.terminal.fontSize) : '');
        setMetricsInterval(s.metrics?.intervalSeconds ? String(s.metrics.intervalSeconds) : '');
        setNodeShellOn(!!(context && s.nodeShell?.contexts?.[context]));
        setShellImage(s.nodeShell?.image ?? '');
        setShellNamespace(s.nodeShell?.namespace ?? '');
      },
      (e: unknown) => setError(errorMessage(e)),
    );
    api.desktop().then(setDesktop, () => undefined);
  }, [context]);

  useEscape(onClose);

  /**
   * save shows the new settings at once and sends them; a second change made before the answer
   * builds on the first (a quick toggle back is not lost). If the backend refuses, the settings it
   * still has are shown again with its error.
   */
  const save = (next: Settings, undo?: () => void) => {
    const before = settings;
    setError(null);
    setSaved(false);
    setSettings(next);
    api.saveSettings(next).then(
      () => {
        setSaved(true);
        settingsSaved.bump();
        api.desktop().then(setDesktop, () => undefined);
      },
      (e: unknown) => {
        setSettings(before);
        undo?.();
        setError(errorMessage(e));
      },
    );
  };
  const saveAll = () => {
    if (!settings) return;
    const maxLines = parseCap(logLines, LOG_LINES, 'Log lines');
    const maxMiB = parseCap(logMiB, LOG_MIB, 'Log MiB');
    const size = parseCap(fontSize, FONT_SIZE, 'Terminal font size');
    const changes = parseCap(changesMiB, CHANGES_MIB, 'Changes MiB');
    const interval = parseCap(metricsInterval, METRICS_INTERVAL, 'Metrics interval');
    const shell = checkNodeShell(shellImage, shellNamespace);
    if (typeof maxLines === 'string' || typeof maxMiB === 'string' || typeof size === 'string' || typeof interval === 'string' || typeof shell === 'string' || typeof changes === 'string') {
      setSaved(false);
      setError([maxLines, maxMiB, size, interval, shell, changes].find((x): x is string => typeof x === 'string') ?? null);
      return;
    }
    const contexts = { ...(settings.nodeShell?.contexts ?? {}) };
    if (context) {
      if (nodeShellOn) contexts[context] = true;
      else delete contexts[context];
    }
    save({ ...settings, extraPath: parsePath(text), logs: { maxLines, maxMiB }, changes: { maxMiB: changes }, terminal: { fontSize: size }, nodeShell: { contexts, ...shell }, metrics: { intervalSeconds: interval } } as Settings);
    terminalFontSize.set(size);
  };
  /** edit applies a field's change; what is shown is no longer what was saved. */
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSaved(false);
  };
  /** setWrites saves a read-only switch at once, like the theme: a safety switch must not wait for Save. */
  const setWrites = (change: (w: NonNullable<Settings['writes']>) => NonNullable<Settings['writes']>) => {
    if (!settings) return;
    const writes = change({ ...(settings.writes ?? {}), readOnlyContexts: { ...(settings.writes?.readOnlyContexts ?? {}) } });
    const was = settings.writes ?? {};
    save({ ...settings, writes } as Settings, () => writeMode.set(was));
    writeMode.set(writes);
  };
  const pickTheme = (theme: string) => {
    if (!settings) return;
    onTheme(theme);
    save({ ...settings, theme });
  };

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <section className="palette settings" role="dialog" aria-label="Settings" data-testid="settings">
        <header className="settings-head">
          <h2>Settings</h2>
          <button type="button" className="link-button" onClick={onClose} aria-label="Close settings">
            Close
          </button>
        </header>
        <div className="settings-body">
          <label className="settings-label" htmlFor="settings-theme">
            Theme
          </label>
          <select
            id="settings-theme"
            className="settings-theme"
            data-testid="settings-theme"
            disabled={!settings}
            value={settings?.theme || 'system'}
            onChange={(e) => pickTheme(e.target.value)}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>

          <span className="settings-label">Changes to clusters</span>
          <p className="muted">
            Read-only disables every write (actions, edits, creations, node shells) and says why; browsing, logs, terminals
            and port-forwards stay available.
          </p>
          <label className="settings-check">
            <input
              type="checkbox"
              data-testid="settings-readonly"
              disabled={!settings}
              checked={!!settings?.writes?.readOnly}
              onChange={(e) => setWrites((w) => ({ ...w, readOnly: e.target.checked }))}
            />
            Read-only in every context
          </label>
          {context !== '' && (
            <label className="settings-check">
              <input
                type="checkbox"
                data-testid="settings-readonly-context"
                disabled={!settings}
                checked={!!settings?.writes?.readOnlyContexts?.[context]}
                onChange={(e) =>
                  setWrites((w) => {
                    const ctx = { ...w.readOnlyContexts };
                    if (e.target.checked) ctx[context] = true;
                    else delete ctx[context];
                    return { ...w, readOnlyContexts: ctx };
                  })
                }
              />
              Context <strong>{context}</strong> is read-only
            </label>
          )}

          <label className="settings-label" htmlFor="settings-path">
            Extra directories for credential plugins
          </label>
          <p className="muted">
            One directory a line, searched after the PATH below for exec plugins such as aws, gke-gcloud-auth-plugin or kubelogin.
            Applies to the next connection.
          </p>
          <textarea
            id="settings-path"
            className="settings-path"
            data-testid="settings-path"
            rows={4}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setSaved(false);
            }}
          />
          <label className="settings-label" htmlFor="settings-log-lines">
            Log buffer
          </label>
          <p className="muted">
            What each open log keeps in memory: the oldest lines go once either limit is reached (the page says how many).
            Empty means the default, {LOG_LINES.default.toLocaleString()} lines and {LOG_MIB.default} MiB. Applies to logs opened
            afterwards.
          </p>
          <div className="settings-caps">
            <NumberField id="settings-log-lines" placeholder={LOG_LINES.default.toLocaleString()} label="Lines kept per log" value={logLines} onChange={edit(setLogLines)} />
            <span className="muted">lines, at most</span>
            <NumberField id="settings-log-mib" placeholder={String(LOG_MIB.default)} label="MiB kept per log" value={logMiB} onChange={edit(setLogMiB)} />
            <span className="muted">MiB</span>
          </div>
          <label className="settings-label" htmlFor="settings-changes-mib">
            Observed changes
          </label>
          <p className="muted">
            The memory the change timeline may take; the oldest changes go beyond it (the page says how many). Empty means{' '}
            {CHANGES_MIB.default} MiB. Applies when saved.
          </p>
          <div className="settings-caps">
            <NumberField id="settings-changes-mib" placeholder={String(CHANGES_MIB.default)} label="MiB kept of observed changes" value={changesMiB} onChange={edit(setChangesMiB)} />
            <span className="muted">MiB</span>
          </div>
          <label className="settings-label" htmlFor="settings-terminal-font">
            Terminal font size
          </label>
          <div className="settings-caps">
            <NumberField id="settings-terminal-font" placeholder={String(FONT_SIZE.default)} label="Terminal font size in pixels" value={fontSize} onChange={edit(setFontSize)} />
            <span className="muted">
              pixels, {FONT_SIZE.min} to {FONT_SIZE.max}; open terminals follow when saved
            </span>
          </div>
          <label className="settings-label" htmlFor="settings-metrics-interval">
            Metrics
          </label>
          <div className="settings-caps">
            <NumberField id="settings-metrics-interval" placeholder={String(METRICS_INTERVAL.default)} label="Seconds between metrics polls" value={metricsInterval} onChange={edit(setMetricsInterval)} />
            <span className="muted">
              seconds between polls of metrics.k8s.io while CPU and memory are shown, {METRICS_INTERVAL.min} to {METRICS_INTERVAL.max}
            </span>
          </div>
          <label className="settings-label" htmlFor="settings-node-shell">
            Node shells
          </label>
          <p className="muted node-shell-warning">
            A node shell creates a privileged pod on a node (privileged container; the node's PID, network and IPC namespaces) and
            opens a shell in the node's own namespaces with nsenter: root on the node, able to read every container's files and
            secrets. Off unless allowed here, for one context at a time. The pod is shown before it is created and deleted when its
            shell closes.
          </p>
          <label className="settings-check">
            <input
              id="settings-node-shell"
              type="checkbox"
              data-testid="settings-node-shell"
              disabled={!settings || !context}
              checked={nodeShellOn}
              onChange={(e) => {
                setNodeShellOn(e.target.checked);
                setSaved(false);
              }}
            />{' '}
            {context ? (
              <>
                Allow node shells in context <strong>{context}</strong>
              </>
            ) : (
              'Connect to a context to allow node shells in it'
            )}
          </label>
          {Object.keys(settings?.nodeShell?.contexts ?? {}).some((c) => c !== context) && (
            <p className="muted" data-testid="settings-node-shell-others">
              Also allowed in: {Object.keys(settings?.nodeShell?.contexts ?? {}).filter((c) => c !== context).sort().join(', ')}
            </p>
          )}
          <div className="settings-caps">
            <span className="muted">Image</span>
            <input
              className="settings-wide"
              data-testid="settings-node-shell-image"
              aria-label="Node shell image"
              placeholder={NODE_SHELL.image}
              spellCheck={false}
              value={shellImage}
              onChange={(e) => edit(setShellImage)(e.target.value)}
            />
            <span className="muted">Namespace</span>
            <input
              data-testid="settings-node-shell-namespace"
              aria-label="Node shell namespace"
              placeholder={NODE_SHELL.namespace}
              spellCheck={false}
              value={shellNamespace}
              onChange={(e) => edit(setShellNamespace)(e.target.value)}
            />
          </div>
          <div className="settings-actions">
            <button
              type="button"
              className="button primary"
              data-testid="settings-save"
              disabled={!settings}
              onClick={saveAll}
            >
              Save
            </button>
            {saved && <span className="muted" data-testid="settings-saved">Saved</span>}
            {error && (
              <span className="error" role="alert">
                {error}
              </span>
            )}
          </div>

          {desktop && (
            <dl className="kv settings-facts">
              <div className="kv-row">
                <dt>PATH for plugins ({desktop.pathSource})</dt>
                <dd data-testid="settings-effective-path">{(desktop.path ?? []).join('\n')}</dd>
              </div>
              {desktop.pathProblem && (
                <div className="kv-row">
                  <dt>Login shell</dt>
                  <dd className="error">{desktop.pathProblem}</dd>
                </div>
              )}
              <div className="kv-row">
                <dt>Settings file</dt>
                <dd>{desktop.settingsFile}</dd>
              </div>
              {desktop.settingsProblem && (
                <div className="kv-row">
                  <dt>Settings problem</dt>
                  <dd className="error">{desktop.settingsProblem}</dd>
                </div>
              )}
              <div className="kv-row">
                <dt>Log file</dt>
                <dd>
                  {desktop.logFile}{' '}
                  <button type="button" className="link-button" onClick={() => api.openLogFolder().catch(() => undefined)}>
                    Open folder
                  </button>
                </dd>
              </div>
            </dl>
          )}
        </div>
      </section>
    </div>
  );
}

/** NumberField is a bounded number's input (its test id is its id); parseCap checks it on save. */
function NumberField({ id, placeholder, label, value, onChange }: { id: string; placeholder: string; label: string; value: string; onChange: (v: string) => void }) {
  return <input id={id} data-testid={id} inputMode="numeric" placeholder={placeholder} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} />;
}
