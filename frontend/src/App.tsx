import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api, errorMessage, FEATURE_EXEC, FEATURE_LOGS, type KindInfo, type Row, type ViewSpec } from './api';
import { DetailsPanel, type Target } from './details/DetailsPanel';
import { ChangesView } from './changes/ChangesView';
import { ApplyYaml } from './edit/ApplyYaml';
import { ForwardsButton, ForwardsPanel } from './forwards/ForwardsPanel';
import { useForwards } from './forwards/useForwards';
import { LogDock, useLogDock } from './logs/LogDock';
import { LeftoverNodeShells } from './nodeshell/Leftovers';
import { ContextPicker } from './session/ContextPicker';
import { NamespacePicker } from './session/NamespacePicker';
import { StatusBar } from './session/StatusBar';
import { useKinds, useShownKind } from './session/useKinds';
import { useSession } from './session/useSession';
import { kindCommands } from './shell/commands';
import { Nav } from './shell/Nav';
import { SettingsPanel } from './shell/SettingsPanel';
import { applyTheme } from './theme';
import { Palette, type Command } from './shell/Palette';
import { ActionMenu } from './actions/ActionMenu';
import { ResourceTable, type Sort, type TableHandle, type TableState } from './table/ResourceTable';
import { Selection, splitKey } from './table/selection';
import { MetricsLine } from './metrics/MetricsLine';
import { useView } from './table/useView';
import type { WindowCache } from './table/windowCache';
import { count as formatCount, useNow } from './time';

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable || t.closest('.cm-editor') !== null);

/** How far each key moves the table's selection. */
const STEPS: Record<string, number> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: 20,
  PageUp: -20,
  Home: -Number.MAX_SAFE_INTEGER,
  End: Number.MAX_SAFE_INTEGER,
};

/** The kind a session starts on, when the cluster serves it. */
const START_KIND = 'pods';

/** useDebounced follows value after it has stayed the same for ms. */
function useDebounced<T>(value: T, ms: number): [T, (v: T) => void] {
  const [out, setOut] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setOut(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return [out, setOut];
}

/** App is the explorer: context and namespace on top, kinds on the left, the live table, details on the right. */
export function App() {
  const session = useSession();
  const { status, contexts } = session;
  const generation = status?.generation ?? 0;
  const context = status?.context ?? '';
  const phase = status?.phase ?? 'idle';
  const now = useNow(1000);

  const [kind, setKind] = useState(START_KIND);
  const [nsByContext, setNsByContext] = useState<Record<string, string>>({});
  const [theme, setTheme] = useState('system');
  useEffect(() => applyTheme(theme), [theme]);
  // The namespaces picked per context in earlier runs and the theme, from the settings.
  useEffect(() => {
    api.settings().then(
      (st) => {
        setNsByContext((m) => ({ ...(st.namespaces ?? {}), ...m }));
        setTheme(st.theme || 'system');
      },
      () => undefined,
    );
  }, []);
  const [sorts, setSorts] = useState<Record<string, Sort>>({});
  const [filterText, setFilterText] = useState('');
  const [filter, setFilterNow] = useDebounced(filterText, 150);
  const [selectorText, setSelectorText] = useState('');
  const [selector, setSelectorNow] = useDebounced(selectorText.trim(), 500);
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [nsError, setNsError] = useState<string | null>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [palette, setPalette] = useState(false);
  const [applyOpen, setApplyOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [forwardsOpen, setForwardsOpen] = useState(false);
  const [reopen, setReopen] = useState(0);
  const [changesOpen, setChangesOpen] = useState(false);
  const filterInput = useRef<HTMLInputElement>(null);
  const table = useRef<TableHandle>(null);
  // The table's multi-selection, by key: the objects a toolbar action applies to.
  const selection = useMemo(() => new Selection(), []);
  const dock = useLogDock(generation);

  const ctxInfo = contexts.find((c) => c.name === context);
  // A context's own namespace is where the user works; "default" is only
  // kubectl's fallback, so such contexts start on all namespaces.
  const ctxNamespace = ctxInfo?.namespace && ctxInfo.namespace !== 'default' ? ctxInfo.namespace : '';
  const namespace = nsByContext[context] ?? ctxNamespace;
  const enabled = generation > 0 && context !== '';
  const forwards = useForwards(generation, enabled);

  const kinds = useKinds(generation, status?.kindsVersion ?? 0, phase === 'connected', enabled);
  // A kind no longer served (its CRD deleted), or never listed by this
  // session (another context's kind), is not asked for.
  const { info, table: tableKind, label, namespaced, unserved, gone } = useShownKind(kinds, kind);
  const sort = sorts[kind] ?? (info?.sortBy ? { sortBy: info.sortBy, desc: !!info.desc } : { sortBy: '', desc: false });
  // Kinds that hide some objects by default (Helm's Secrets among Secrets) show them on request, per kind.
  const [showHidden, setShowHidden] = useState<Record<string, boolean>>({});
  const spec: ViewSpec = { kind, namespace: namespaced ? namespace : '', selector, filter, sortBy: sort.sortBy, desc: sort.desc, showHidden: !!showHidden[kind] };
  const view = useView(generation, enabled && !unserved, spec, reopen);
  const { cache } = view;
  const { markRemoved } = kinds;
  useEffect(() => {
    if (view.removed) markRemoved(kind);
  }, [view.removed, kind, markRemoved]);

  // The session counts each kind in the namespace looked at, for the nav.
  useEffect(() => {
    if (enabled) api.focusNamespace(generation, namespace).catch(() => {});
  }, [enabled, generation, namespace]);

  // A new session: nothing of the old one stays selected or open.
  useEffect(() => {
    setSelectedKey(null);
    setTarget(null);
    setNamespaces([]);
    setNsError(null);
    selection.clear();
  }, [generation, selection]);
  // Another kind, namespace, filter or selector: nothing of the last table stays selected.
  useEffect(() => selection.clear(), [kind, namespace, filter, selector, selection]);

  const currentGen = useRef(generation);
  currentGen.current = generation;
  const loadNamespaces = useCallback(() => {
    if (!enabled) return;
    const gen = generation;
    api.namespaces().then(
      (ns) => {
        if (gen !== currentGen.current) return;
        setNamespaces(ns ?? []);
        setNsError(null);
      },
      (e: unknown) => {
        if (gen === currentGen.current) setNsError(errorMessage(e));
      },
    );
  }, [enabled, generation]);
  useEffect(() => {
    if (phase === 'connected') loadNamespaces();
  }, [phase, loadNamespaces]);

  const pickKind = useCallback((k: string) => {
    setKind(k);
    setFilterText('');
    setFilterNow('');
    setSelectorText('');
    setSelectorNow('');
    setSelectedKey(null);
    setTarget(null);
  }, [setFilterNow, setSelectorNow]);
  const pickNamespace = useCallback(
    (ns: string) => {
      setNsByContext((m) => ({ ...m, [context]: ns }));
      setSelectedKey(null);
      // Remembered across restarts too (settings); failing to save is not worth an error on screen.
      if (context) api.rememberNamespace(context, ns).catch(() => undefined);
    },
    [context],
  );
  const open = useCallback((r: Row) => {
    setSelectedKey(r.key);
    setTarget({ kind: r.kind, namespace: r.namespace ?? '', name: r.name, key: r.key });
  }, []);
  const select = useCallback(
    (r: Row) => {
      setSelectedKey(r.key);
      // With the panel open, it follows the selection.
      setTarget((t) => (t ? { kind: r.kind, namespace: r.namespace ?? '', name: r.name, key: r.key } : t));
    },
    [],
  );
  const navigate = useCallback(
    (r: Row) => {
      if (r.kind !== kind) pickKind(r.kind);
      open(r);
    },
    [kind, pickKind, open],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette((p) => !p);
        return;
      }
      if (palette || settingsOpen || forwardsOpen || applyOpen || e.defaultPrevented) return;
      const typing = isTyping(e.target);
      if (e.key === 'Escape') {
        if (typing && e.target instanceof HTMLElement) e.target.blur();
        else setTarget(null);
        return;
      }
      if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
      const t = table.current;
      const step = STEPS[e.key];
      if (step !== undefined && e.shiftKey && Math.abs(step) === 1) {
        // Shift+arrows grow or shrink the multi-selection.
        e.preventDefault();
        t?.extend(step);
      } else if (step !== undefined) {
        e.preventDefault();
        t?.move(step);
      } else if (e.key === '/') {
        e.preventDefault();
        filterInput.current?.focus();
        filterInput.current?.select();
      } else if (e.key === 'Enter') {
        const r = t?.selectedRow();
        if (r) {
          e.preventDefault();
          open(r);
        }
      } else if (e.key === 'l') {
        // The selected row's logs, in the dock.
        const r = t?.selectedRow();
        if (r && kinds.byId.get(r.kind)?.features?.includes(FEATURE_LOGS)) {
          e.preventDefault();
          dock.open({ kind: r.kind, namespace: r.namespace ?? '', name: r.name });
        }
      } else if (e.key === 's') {
        // A shell in the selected pod (or a Ready pod of the workload), in the dock; refused there, with the reason, without create pods/exec.
        const r = t?.selectedRow();
        if (r && kinds.byId.get(r.kind)?.features?.includes(FEATURE_EXEC)) {
          e.preventDefault();
          dock.openTerminal({ kind: r.kind, namespace: r.namespace ?? '', name: r.name });
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [palette, settingsOpen, forwardsOpen, applyOpen, open, kinds.byId, dock.open, dock.openTerminal]);

  const commands = useMemo<Command[]>(() => {
    const out: Command[] = kindCommands(kinds.list, pickKind);
    out.push({ id: 'ns:', group: 'Namespace', label: 'All namespaces', run: () => pickNamespace('') });
    out.push({ id: 'settings', group: 'App', label: 'Settings', hint: 'plugin PATH, files', run: () => setSettingsOpen(true) });
    out.push({ id: 'apply-yaml', group: 'App', label: 'Create / apply YAML', hint: 'server-side apply', keywords: ['create', 'apply', 'yaml'], disabled: enabled ? undefined : 'no context connected', run: () => setApplyOpen(true) });
    for (const n of namespaces) out.push({ id: 'ns:' + n, group: 'Namespace', label: n, run: () => pickNamespace(n) });
    for (const c of contexts) {
      out.push({ id: 'ctx:' + c.name, group: 'Context', label: c.name, hint: c.valid ? c.cluster : 'invalid', run: () => session.switchTo(c.name) });
    }
    return out;
  }, [kinds.list, namespaces, contexts, pickKind, pickNamespace, session, enabled]);

  const kindStatus = status?.kinds?.find((k) => k.kind === kind);
  const count = cache.count;
  let tableState: TableState = 'ready';
  const forbidden = kindStatus?.state === 'forbidden';
  if (view.error || forbidden || (kindStatus?.state === 'error' && count === 0)) tableState = 'error';
  else if (!info || !cache.loaded || view.opening || (count === 0 && kindStatus?.state !== 'synced')) tableState = 'loading';
  else if (count === 0) tableState = 'empty';

  const sessionFailed = (phase === 'error' && session.staleSince === null) || session.switchError !== null;
  const retry = () => session.switchTo(context || session.switching || '');
  const scope = namespaced ? (namespace ? `in ${namespace}` : 'in all namespaces') : 'cluster-wide';
  const filtered = filter !== '' || selector !== '';

  return (
    <div
      className={'shell' + (target ? ' with-details' : '') + (dock.tabs.length > 0 ? ' with-dock' : '')}
      data-testid="app-shell"
      data-generation={generation}
    >
      <header className="topbar">
        <div className="brand" aria-label="Crowsnest">
          <span className="brand-mark" aria-hidden="true" />
          Crowsnest
        </div>
        <ContextPicker current={context} contexts={contexts} error={session.contextsError} switching={session.switching} onPick={session.switchTo} />
        <NamespacePicker value={namespace} namespaces={namespaces} error={nsError} disabled={!enabled} onOpen={loadNamespaces} onPick={pickNamespace} />
        <span className="spacer" />
        <button type="button" className={'palette-hint' + (changesOpen ? ' active' : '')} data-testid="changes-open" disabled={!enabled} aria-pressed={changesOpen} onClick={() => setChangesOpen((o) => !o)} title="Observed changes: what changed, and who changed it">
          Changes
        </button>
        <button type="button" className="palette-hint" data-testid="apply-yaml-open" disabled={!enabled} onClick={() => setApplyOpen(true)} title="Create or apply objects from YAML">
          Create / apply YAML
        </button>
        <button type="button" className="palette-hint" data-testid="settings-open" onClick={() => setSettingsOpen(true)} title="Settings">
          Settings
        </button>
        <button type="button" className="palette-hint" onClick={() => setPalette(true)} title="Command palette">
          Search <kbd>Ctrl</kbd>
          <kbd>K</kbd>
        </button>
      </header>

      <Nav
        kind={kind}
        kinds={kinds.list}
        statuses={status?.kinds ?? []}
        inNamespace={namespace !== '' && (status?.namespace ?? '') === namespace}
        error={kinds.error}
        onPick={(k) => {
          setChangesOpen(false);
          pickKind(k);
        }}
      />

      <main className="content">
        {enabled && session.switching === null && <LeftoverNodeShells generation={generation} context={context} connected={phase === 'connected'} now={now} />}
        {session.switching !== null ? (
          <div className="state-panel" role="status">
            <span className="spinner" aria-hidden="true" />
            <h2>Connecting to {session.switching}…</h2>
            <p className="muted">Stopping the previous session and reaching the cluster.</p>
          </div>
        ) : sessionFailed ? (
          <div className="state-panel error" data-testid="session-error" role="alert">
            <h2>{session.switchError ? 'Cannot switch context' : `Cannot connect to ${context}`}</h2>
            <p className="state-message">{session.switchError ?? status?.message ?? 'The cluster did not answer.'}</p>
            {status?.server && !session.switchError && <p className="muted">Server {status.server}</p>}
            <button type="button" className="button primary" data-testid="retry" onClick={retry} disabled={!context && !session.switching}>
              Retry
            </button>
          </div>
        ) : !enabled ? (
          <div className="state-panel">
            <h2>Choose a context</h2>
            <p className="muted">Pick a kubeconfig context at the top left to see its workloads, live.</p>
          </div>
        ) : changesOpen ? (
          <ChangesView
            generation={generation}
            namespace={namespace}
            now={now}
            onOpen={(e) => setTarget({ kind: e.kind, namespace: e.namespace ?? '', name: e.name ?? '', key: e.namespace ? `${e.namespace}/${e.name}` : (e.name ?? '') })}
          />
        ) : unserved ? (
          <KindRemoved kind={kind} label={label} gone={gone} context={context} back={kinds.byId.get(START_KIND) ?? kinds.list.find((k) => !k.unavailable)} onPick={pickKind} />
        ) : (
          <>
            <div className="toolbar">
              <div className="title">
                <h1>{label}</h1>
                <TitleCount cache={cache} what={`${label.toLowerCase()} ${scope}`} loading={tableState === 'loading'} />
                <span className="muted scope">{scope}</span>
                {kindStatus && kindStatus.state !== 'synced' && kindStatus.state !== 'pending' && (
                  <span className={'sync-chip sync-' + kindStatus.state} title={kindStatus.error ?? ''}>
                    {kindStatus.state}
                  </span>
                )}
              </div>
              {info && (info.actions?.length ?? 0) > 0 && <SelectionActions kind={info} context={context} generation={generation} selection={selection} />}
              <div className="filters">
                <label className="field">
                  <span className="field-icon" aria-hidden="true">/</span>
                  <input
                    ref={filterInput}
                    data-testid="filter"
                    placeholder={`Filter ${label.toLowerCase()}`}
                    value={filterText}
                    spellCheck={false}
                    aria-label="Filter"
                    onChange={(e) => setFilterText(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') setFilterNow(filterText);
                    }}
                  />
                </label>
                <label className={'field selector' + (view.specError ? ' invalid' : '')}>
                  <span className="field-icon" aria-hidden="true">k=v</span>
                  <input
                    data-testid="selector"
                    placeholder="Label selector, e.g. app=web,tier!=db"
                    value={selectorText}
                    spellCheck={false}
                    aria-label="Label selector"
                    aria-invalid={view.specError !== null}
                    onChange={(e) => setSelectorText(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') setSelectorNow(selectorText.trim());
                    }}
                  />
                </label>
                {info?.hidden && (
                  <label className="field toggle" title={`${info.label} hide ${info.hidden} unless asked`}>
                    <input type="checkbox" data-testid="show-hidden" checked={!!showHidden[kind]} onChange={(e) => setShowHidden((m) => ({ ...m, [kind]: e.target.checked }))} />
                    <span>Show {info.hidden}</span>
                  </label>
                )}
              </div>
            </div>
            {view.specError && (
              <p className="selector-error" data-testid="selector-error" role="alert">
                {view.specError}
              </p>
            )}
            <MetricsLine status={session.status?.metrics} usage={info?.usage} />
            {session.staleSince !== null && (
              <p className="stale-banner" role="status">
                Connection lost: these rows may be out of date.
              </p>
            )}
            <ResourceTable
              handle={table}
              kind={tableKind}
              namespace={namespaced ? namespace : 'cluster'}
              cache={cache}
              state={tableState}
              now={now}
              sort={sort}
              onSort={(s) => setSorts((m) => ({ ...m, [kind]: s }))}
              selectedKey={selectedKey}
              onSelect={select}
              onOpen={open}
              selection={selection}
              loading={<TableLoading label={label} state={kindStatus?.state} />}
              empty={
                <div className="state-panel small">
                  <h2>{filtered ? `No ${label.toLowerCase()} match` : `No ${label.toLowerCase()} ${scope}`}</h2>
                  {filtered && (
                    <button
                      type="button"
                      className="button"
                      onClick={() => {
                        setFilterText('');
                        setFilterNow('');
                        setSelectorText('');
                        setSelectorNow('');
                      }}
                    >
                      Clear filters
                    </button>
                  )}
                </div>
              }
              error={
                <div className="state-panel small error" role="alert">
                  <h2>{forbidden ? `No access to ${label.toLowerCase()}` : `Cannot list ${label.toLowerCase()}`}</h2>
                  <p className="state-message">{view.error ?? kindStatus?.error}</p>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      if (forbidden) api.retryKind(kind).catch(() => undefined);
                      setReopen((n) => n + 1);
                    }}
                  >
                    {forbidden ? 'Check access again' : 'Retry'}
                  </button>
                </div>
              }
            />
          </>
        )}
      </main>

      {target && enabled && session.switching === null && (
        <DetailsPanel
          target={target}
          generation={generation}
          context={context}
          now={now}
          kinds={kinds.byId}
          onClose={() => setTarget(null)}
          onNavigate={navigate}
          onDockLogs={dock.open}
          onShowForwards={() => setForwardsOpen(true)}
          onTerminal={dock.openTerminal}
          onSettings={() => setSettingsOpen(true)}
          metrics={session.status?.metrics}
        />
      )}

      {enabled && session.switching === null && <LogDock dock={dock} generation={generation} kindLabel={(k) => kinds.byId.get(k)?.kind ?? k} />}

      <StatusBar
        status={status}
        staleSince={session.staleSince}
        kind={kind}
        kinds={kinds.byId}
        now={now}
        extra={enabled && <ForwardsButton list={forwards.list} onOpen={() => setForwardsOpen(true)} />}
      />
      {palette && <Palette commands={commands} onClose={() => setPalette(false)} />}
      {forwardsOpen && <ForwardsPanel forwards={forwards} context={context} onClose={() => setForwardsOpen(false)} />}
      {settingsOpen && <SettingsPanel context={context} onClose={() => setSettingsOpen(false)} onTheme={setTheme} />}
      {applyOpen && enabled && <ApplyYaml generation={generation} context={context} namespace={namespace} onClose={() => setApplyOpen(false)} />}
    </div>
  );
}

/**
 * SelectionActions offers the kind's actions for the rows selected in the
 * table (one confirmation for all of them); it follows the selection
 * without re-rendering the page.
 */
function SelectionActions({ kind, context, generation, selection }: { kind: KindInfo; context: string; generation: number; selection: Selection }) {
  useSyncExternalStore(selection.subscribe, selection.getVersion);
  const keys = selection.selected();
  if (keys.length === 0) return null;
  const parts = keys.map(splitKey);
  const namespace = parts[0]?.namespace ?? '';
  const mixed = parts.some((p) => p.namespace !== namespace);
  // Across namespaces the names are keys; the dialog plans and runs one request per namespace.
  const target = mixed ? { namespace: '', names: keys, mixed } : { namespace, names: parts.map((p) => p.name) };
  return (
    <div className="selection-actions" data-testid="selection-actions" data-count={keys.length}>
      <span className="muted">{keys.length === 1 ? '1 selected' : `${keys.length} selected`}</span>
      <ActionMenu kind={kind} context={context} generation={generation} place="table" target={target} onDone={() => selection.clear()} />
    </div>
  );
}

/** TitleCount shows the view's row count, following it without re-rendering the page. */
function TitleCount({ cache, what, loading }: { cache: WindowCache; what: string; loading: boolean }) {
  const count = useSyncExternalStore(cache.subscribe, () => cache.count);
  return (
    <span className="title-count" title={`${count} ${what}`}>
      {loading && count === 0 ? '' : formatCount(count)}
    </span>
  );
}

/** KindRemoved stands for the table of a kind the session no longer (or never) served, with a way back. */
function KindRemoved(p: { kind: string; label: string; gone: boolean; context: string; back: KindInfo | undefined; onPick: (kind: string) => void }) {
  const { back } = p;
  return (
    <div className="state-panel" data-testid="kind-removed" data-kind={p.kind} role="status">
      <h2>{p.gone ? `${p.label} were removed from the cluster` : `${p.label} are not served by ${p.context}`}</h2>
      <p className="muted">{p.gone ? 'Their resource definition was deleted; nothing more is asked for them.' : 'This context does not list this kind.'}</p>
      {back && (
        <button type="button" className="button primary" data-testid="kind-removed-back" onClick={() => p.onPick(back.id)}>
          Go to {back.label}
        </button>
      )}
    </div>
  );
}

function TableLoading({ label, state }: { label: string; state?: string }) {
  return (
    <div className="loading-rows" aria-live="polite">
      <p className="muted">
        {state === 'syncing' ? `Syncing ${label.toLowerCase()}…` : `Loading ${label.toLowerCase()}…`}
      </p>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="skeleton" style={{ opacity: 1 - i * 0.11 }} />
      ))}
    </div>
  );
}
