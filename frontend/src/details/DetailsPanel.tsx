import { UsageChart } from '../metrics/UsageChart';
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, errorMessage, FEATURE_EXEC, FEATURE_FORWARD, FEATURE_HELM, FEATURE_LOGS, FEATURE_NODE_SHELL, FEATURE_NO_YAML, type Details, type FactTable, type KindInfo, type MetricsStatus, type ObjectEvent, type Row } from '../api';
import { detailColumns } from '../kinds';
import { ActionMenu } from '../actions/ActionMenu';
import { ForwardForm } from '../forwards/ForwardForm';
import { LogViewer, type LogSubject } from '../logs/LogViewer';
import { NodeShellAction } from '../nodeshell/NodeShellAction';
import type { TerminalSubject } from '../terminal/TerminalView';
import { age, dateAndTime } from '../time';
import { useDetails } from './useDetails';
import { EditYaml } from '../edit/EditYaml';
import { useReadOnly } from '../writes/writeMode';
import { HELM_TABS, HelmHistory, HelmManifest, HelmOverview, HelmValues, helmTabTitle, useHelmRelease, type HelmTab } from '../helm/HelmRelease';
import { TimelineTab } from '../changes/Timeline';

// CodeMirror is loaded only when a YAML tab is first opened.
const YamlEditor = lazy(() => import('../edit/YamlEditor'));

export interface Target {
  kind: string;
  namespace: string;
  name: string;
  key: string;
}

export type Tab = 'overview' | 'yaml' | 'events' | 'logs' | 'timeline' | HelmTab;

interface Props {
  target: Target;
  generation: number;
  /** context is the session's kubeconfig context: actions, edits and the node shell's dialog name it; writes follow its read-only mode. */
  context?: string;
  now: number;
  /** The session's kinds by id: the target's columns, and what related rows are. */
  kinds: ReadonlyMap<string, KindInfo>;
  onClose: () => void;
  onNavigate: (row: Row) => void;
  /** onDockLogs keeps the object's logs open in the dock. */
  onDockLogs?: (s: LogSubject) => void;
  /** onShowForwards opens the port forwards panel. */
  onShowForwards?: () => void;
  /** onTerminal opens a terminal in the pod (or a node shell on the node), in the dock. */
  onTerminal?: (s: TerminalSubject) => void;
  /** onSettings opens the Settings panel. */
  onSettings?: () => void;
  /** metrics is the session's metrics status: the usage chart of pods and nodes reads it. */
  metrics?: MetricsStatus;
}

/** kindName is a kind's API kind ("ReplicaSet") when the session lists it, else its id. */
const kindName = (kinds: ReadonlyMap<string, KindInfo>, id: string) => kinds.get(id)?.kind ?? id;

/**
 * DetailsPanel shows one object: facts, labels, conditions, containers,
 * tables, related objects, events, YAML. It follows the object (useDetails):
 * refetched when the backend says it changed, marked when it was deleted.
 */
export function DetailsPanel({ target, generation, now, kinds, onClose, onNavigate, onDockLogs, onShowForwards, onTerminal, context = '', onSettings, metrics }: Props) {
  const [tab, setTab] = useState<Tab>('overview');
  const [forwarding, setForwarding] = useState<string | null>(null);
  const { details, error, gone, retry } = useDetails(generation, target.kind, target.namespace, target.name);
  const id = `${generation}|${target.kind}|${target.key}`;
  const info = kinds.get(target.kind);
  const what = kindName(kinds, target.kind);
  const row = details?.row;
  const logs = info?.features?.includes(FEATURE_LOGS) ?? false;
  const forwardable = info?.features?.includes(FEATURE_FORWARD) ?? false;
  const exec = info?.features?.includes(FEATURE_EXEC) ?? false;
  const nodeShell = info?.features?.includes(FEATURE_NODE_SHELL) ?? false;
  const helm = info?.features?.includes(FEATURE_HELM) ?? false;
  const noYAML = info?.features?.includes(FEATURE_NO_YAML) ?? false;
  // A Helm release is read from its Secrets: no YAML, events or timeline of its own (its history is its revisions).
  const plain: Tab[] = logs ? ['overview', 'logs', 'yaml', 'events', 'timeline'] : ['overview', 'yaml', 'events', 'timeline'];
  const tabs: Tab[] = helm ? ['overview', ...HELM_TABS] : plain.filter((t) => !(noYAML && t === 'yaml'));
  const shown = tabs.includes(tab) ? tab : 'overview';
  const helmState = useHelmRelease(generation, target.namespace, target.name, (row?.cells ?? []).join('\u0000'), helm);
  return (
    <aside className="details" data-testid="details" data-key={target.key} data-gone={gone || undefined} aria-label={`${what} ${target.name}`}>
      <header className="details-head">
        <div className="details-title">
          <span className="details-kind">{what}</span>
          <h2 className="details-name">{target.name}</h2>
          {target.namespace && <span className="details-ns">in {target.namespace}</span>}
        </div>
        {forwardable && (
          <button type="button" className="button small" data-testid="forward-port-open" title="Forward a local port to this object" onClick={() => setForwarding(id)}>
            Forward port…
          </button>
        )}
        <button type="button" className="icon-button" data-testid="details-close" aria-label="Close details" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      {info && !gone && (info.actions?.length ?? 0) > 0 && (
        <ActionMenu key={id} kind={info} context={context} generation={generation} place="details" target={{ namespace: target.namespace, names: [target.name] }} />
      )}
      {forwardable && forwarding === id && (
        <ForwardForm key={id} kind={target.kind} namespace={target.namespace} name={target.name} onClose={() => setForwarding(null)} onShow={onShowForwards} />
      )}
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={shown === t} className={'tab' + (shown === t ? ' active' : '')} data-testid={'details-tab-' + t} onClick={() => setTab(t)}>
            {t === 'overview' ? 'Overview' : t === 'yaml' ? 'YAML' : t === 'logs' ? 'Logs' : t === 'timeline' ? 'Timeline' : t === 'events' ? `Events${details ? ` (${details.events?.length ?? 0})` : ''}` : helmTabTitle(t)}
          </button>
        ))}
        {shown === 'logs' && onDockLogs && (
          <button
            type="button"
            className="link-button dock-logs"
            data-testid="logs-to-dock"
            title="Keep these logs open at the bottom while browsing"
            onClick={() => {
              onDockLogs({ kind: target.kind, namespace: target.namespace, name: target.name, containers: details?.containers ?? undefined });
              setTab('overview');
            }}
          >
            Open in dock
          </button>
        )}
        {exec && onTerminal && <TerminalAction generation={generation} kind={target.kind} namespace={target.namespace} name={target.name} onOpen={onTerminal} />}
        {nodeShell && onTerminal && <NodeShellAction generation={generation} context={context} node={target.name} onOpen={onTerminal} onSettings={onSettings} />}
      </div>
      <div className={'details-body' + (shown === 'logs' ? ' with-logs' : '')}>
        {gone && (
          <p className="details-gone" data-testid="details-gone" role="status">
            This {what} was deleted{details ? '; this is how it last was.' : '.'}
          </p>
        )}
        {error && !gone && (
          <div className="panel-error" role="alert">
            <p>{error}</p>
            <button type="button" className="button" onClick={retry}>
              Retry
            </button>
          </div>
        )}
        {!details && !error && !gone && shown !== 'yaml' && shown !== 'logs' && <p className="muted pad">Loading…</p>}
        {shown === 'logs' && (
          <LogViewer key={id} generation={generation} subject={{ kind: target.kind, namespace: target.namespace, name: target.name, containers: details?.containers ?? undefined }} />
        )}
        {details && info?.usage && shown === 'overview' && !gone && (
          <UsageChart generation={generation} kind={target.kind} namespace={target.namespace} name={target.name} usage={info.usage} status={metrics} />
        )}
        {details && row && shown === 'overview' && (
          <Overview d={details} info={info} kinds={kinds} now={now} onNavigate={onNavigate} onEvents={() => setTab('events')} />
        )}
        {helm && shown === 'overview' && <HelmOverview state={helmState} kinds={kinds} onNavigate={onNavigate} />}
        {helm && shown === 'history' && <HelmHistory state={helmState} now={now} />}
        {helm && shown === 'values' && <HelmValues key={id} state={helmState} namespace={target.namespace} name={target.name} />}
        {helm && shown === 'manifest' && <HelmManifest key={id} state={helmState} generation={generation} namespace={target.namespace} name={target.name} />}
        {details && shown === 'events' && <EventList events={details.events ?? []} now={now} />}
        {shown === 'yaml' && <YamlTab key={id} generation={generation} target={target} context={context} what={what} />}
        {shown === 'timeline' && (
          <TimelineTab key={id} generation={generation} target={target} context={context} what={what} events={details?.events ?? []} version={details} now={now} />
        )}
      </div>
    </aside>
  );
}

/**
 * TerminalAction opens a shell in the pod (or a Ready pod of the
 * workload), in the dock. It is offered only
 * once the user may create pods/exec in the namespace; otherwise it stays
 * disabled and says why.
 */
function TerminalAction({ generation, kind, namespace, name, onOpen }: { generation: number; kind: string; namespace: string; name: string; onOpen: (s: TerminalSubject) => void }) {
  const [perm, setPerm] = useState<{ allowed: boolean; reason?: string } | null>(null);
  useEffect(() => {
    let live = true;
    setPerm(null);
    api.canExec(namespace).then(
      (p) => live && setPerm(p),
      (e: unknown) => live && setPerm({ allowed: false, reason: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [generation, namespace]);
  const denied = perm !== null && !perm.allowed;
  return (
    <>
      <button
        type="button"
        className="link-button dock-terminal"
        data-testid="details-terminal"
        disabled={!perm?.allowed}
        title={perm === null ? 'Checking access…' : perm.allowed ? 'Open a shell at the bottom (s)' : perm.reason}
        onClick={() => onOpen({ kind, namespace, name })}
      >
        Terminal
      </button>
      {denied && (
        <span className="muted terminal-denied" data-testid="details-terminal-denied" title={perm.reason}>
          {perm.reason}
        </span>
      )}
    </>
  );
}

interface FactItem {
  label: string;
  value: string;
  /** The row's health colours it (the kind's status column). */
  health?: string;
  /** Shown on hover (a timestamp's date). */
  title?: string;
}

/**
 * facts are the overview's facts: the row's status and age, the value of
 * each of its kind's columns (wide-only ones too), then the kind's summary.
 * A label is shown once: the summary's fact over a column's, a column's
 * over the row's own status or age.
 */
function facts(d: Details, info: KindInfo | undefined, now: number): FactItem[] {
  const r = d.row;
  const summary = d.summary ?? [];
  const taken = new Set(summary.map((f) => f.label.toLowerCase()));
  const cols = info ? detailColumns(info) : [];
  const fromColumns: FactItem[] = [];
  for (const c of cols) {
    const value = c.text(r, now);
    if (value === '' || taken.has(c.header.toLowerCase())) continue;
    taken.add(c.header.toLowerCase());
    const t = c.type === 'timestamp' ? Number(r.cells?.[c.cell]) : 0;
    fromColumns.push({ label: c.header, value, health: c.health ? r.health : undefined, title: t > 0 ? dateAndTime(t * 1000) : undefined });
  }
  const head: FactItem[] = [];
  if (r.status && !taken.has('status') && !cols.some((c) => c.health)) head.push({ label: 'Status', value: r.status, health: r.health });
  if (!taken.has('age')) head.push({ label: 'Age', value: age(r.created, now), title: dateAndTime(r.created * 1000) });
  return [...head, ...fromColumns, ...summary.map((f) => ({ label: f.label, value: f.value }))];
}

interface OverviewProps {
  d: Details;
  info: KindInfo | undefined;
  kinds: ReadonlyMap<string, KindInfo>;
  now: number;
  onNavigate: (r: Row) => void;
  onEvents: () => void;
}

function Overview({ d, info, kinds, now, onNavigate, onEvents }: OverviewProps) {
  const r = d.row;
  const labels = Object.entries(r.labels ?? {});
  const annotations = Object.entries(d.annotations ?? {});
  const events = d.events ?? [];
  return (
    <div className="overview">
      <dl className="facts" data-testid="details-facts">
        {facts(d, info, now).map((f, i) => (
          <Fact key={i} {...f} />
        ))}
      </dl>

      <Section title="Keys" count={d.secretKeys?.length ?? 0}>
        <ul className="secret-keys">
          {(d.secretKeys ?? []).map((k) => (
            <SecretKeyItem key={k.key} kind={r.kind} namespace={r.namespace ?? ''} name={r.name} secretKey={k.key} size={k.size} />
          ))}
        </ul>
      </Section>

      {(d.tables ?? []).map((t, i) => (
        <FactTableSection key={i} table={t} />
      ))}

      <Section title="Labels" count={labels.length}>
        <ul className="chips">
          {labels.map(([k, v]) => (
            <li key={k} className="chip" title={`${k}=${v}`}>
              <span className="chip-key">{k}</span>
              {v !== '' && <span className="chip-value">={v}</span>}
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Annotations" count={annotations.length}>
        <dl className="kv">
          {annotations.map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </Section>

      <Section title="Conditions" count={d.conditions?.length ?? 0}>
        <ul className="conditions">
          {(d.conditions ?? []).map((c, i) => (
            <li key={i} className={'condition cond-' + (c.status === 'True' ? 'true' : c.status === 'False' ? 'false' : 'unknown')}>
              <span className="cond-type">{c.type}</span>
              <span className="cond-status">{c.status}</span>
              {c.lastTransition ? <span className="cond-age">{age(c.lastTransition, now)}</span> : null}
              {c.reason && <span className="cond-reason">{c.reason}</span>}
              {c.message && <p className="cond-message">{c.message}</p>}
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Containers" count={d.containers?.length ?? 0}>
        <ul className="containers">
          {(d.containers ?? []).map((c, i) => (
            <li key={i} className="container">
              <div className="container-head">
                {/* A workload's pod template has no state, nor readiness, of its own. */}
                {c.state && <span className={'ready-dot' + (c.ready ? ' ok' : '')} title={c.ready ? 'Ready' : 'Not ready'} />}
                <span className="container-name">{c.name}</span>
                {c.init && <span className="tag">init</span>}
                {c.ephemeral && <span className="tag">ephemeral</span>}
                {c.state && <span className="container-state">{c.state}</span>}
                {c.restarts ? <span className="container-restarts">{c.restarts} restarts</span> : null}
              </div>
              <div className="container-image" title={c.image}>
                {c.image}
              </div>
              {c.ports && c.ports.length > 0 && <div className="container-ports">{c.ports.join(', ')}</div>}
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Related" count={d.related?.length ?? 0}>
        <ul className="related">
          {(d.related ?? []).map((rel) => (
            <li key={rel.kind + '/' + rel.key}>
              <button
                type="button"
                className="related-link"
                data-testid="related-link"
                data-kind={rel.kind}
                data-key={rel.key}
                title={`${kinds.get(rel.kind)?.label ?? rel.kind}: ${rel.key}`}
                onClick={() => onNavigate(rel)}
              >
                <span className="related-kind">{kindName(kinds, rel.kind)}</span>
                <span className="related-name">{rel.name}</span>
                {rel.status && <span className={'related-status health-' + rel.health}>{rel.status}</span>}
              </button>
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Recent events" count={events.length}>
        <EventList events={events.slice(0, 5)} now={now} />
        {events.length > 5 && (
          <button type="button" className="link-button" onClick={onEvents}>
            All {events.length} events
          </button>
        )}
      </Section>
    </div>
  );
}

/**
 * SecretKeyItem shows one key of a Secret; its value is fetched only when
 * the user asks to reveal it, kept in this component alone, and dropped on
 * Hide or when the panel moves to another object.
 */
function SecretKeyItem({ kind, namespace, name, secretKey, size }: { kind: string; namespace: string; name: string; secretKey: string; size: number }) {
  const [value, setValue] = useState<{ text: string; base64: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Reveal is disabled, with the reason, for a user who may not read Secrets here.
  const [denied, setDenied] = useState<string | null>(null);
  useEffect(() => {
    setValue(null);
    setError(null);
    let live = true;
    api.can('get', kind, namespace).then(
      (p) => live && setDenied(p.allowed ? null : p.reason || 'not allowed'),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [kind, namespace, name, secretKey]);
  const reveal = () => {
    setBusy(true);
    setError(null);
    api.revealSecretValue(namespace, name, secretKey).then(
      (v) => setValue({ text: v.value, base64: !!v.base64 }),
      (e: unknown) => setError(errorMessage(e)),
    ).finally(() => setBusy(false));
  };
  return (
    <li className="secret-key" data-testid="secret-key" data-key={secretKey}>
      <div className="secret-key-head">
        <span className="secret-key-name">{secretKey}</span>
        <span className="muted">{size} bytes</span>
        {value === null ? (
          <button
            type="button"
            className="link-button"
            data-testid="secret-reveal"
            disabled={busy || denied !== null}
            title={denied ?? 'Fetch this value now; it is not kept'}
            onClick={reveal}
          >
            Reveal
          </button>
        ) : (
          <button type="button" className="link-button" data-testid="secret-hide" onClick={() => setValue(null)}>
            Hide
          </button>
        )}
      </div>
      {value !== null && (
        <pre className="secret-value" data-testid="secret-value">
          {value.text}
          {value.base64 && <span className="muted"> (binary, base64)</span>}
        </pre>
      )}
      {error && <p className="error">{error}</p>}
    </li>
  );
}

function Fact({ label, value, health, title }: FactItem) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={health ? 'health-' + health : undefined} title={title}>
        {health && <span className="status-dot" aria-hidden="true" />}
        {value}
      </dd>
    </>
  );
}

/** FactTableSection shows one of the kind's tables (a Role's rules...), as text. */
function FactTableSection({ table }: { table: FactTable }) {
  const rows = table.rows ?? [];
  return (
    <Section title={table.title} count={rows.length}>
      <div className="fact-table-wrap">
        <table className="fact-table" data-testid="details-table">
          <thead>
            <tr>
              {(table.columns ?? []).map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  if (count === 0) return null;
  return (
    <section className="details-section">
      <h3>
        {title} <span className="muted">{count}</span>
      </h3>
      {children}
    </section>
  );
}

function EventList({ events, now }: { events: ObjectEvent[]; now: number }) {
  if (events.length === 0) return <p className="muted pad">No events for this object.</p>;
  return (
    <ul className="events">
      {events.map((e, i) => (
        <li key={i} className={'event health-' + (e.type === 'Warning' ? 'warn' : 'neutral')}>
          <div className="event-head">
            <span className="event-type">{e.type}</span>
            <span className="event-reason">{e.reason}</span>
            <span className="event-age" title={e.lastSeen ? dateAndTime(e.lastSeen * 1000) : undefined}>
              {e.lastSeen ? `${age(e.lastSeen, now)} ago` : ''}
              {e.count > 1 ? ` · ×${e.count}` : ''}
            </span>
          </div>
          <p className="event-message">{e.message}</p>
          {e.source && <p className="event-source">{e.source}</p>}
        </li>
      ))}
    </ul>
  );
}

function YamlTab({ generation, target, context, what }: { generation: number; target: Target; context: string; what: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState(false);
  const [applied, setApplied] = useState<string | null>(null);
  const [perm, setPerm] = useState<{ allowed: boolean; reason?: string } | null>(null);
  const readOnly = useReadOnly(context);
  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    api.fetchYAML(generation, target.kind, target.namespace, target.name, ctl.signal).then(
      (t) => setText(t),
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => ctl.abort();
  }, [generation, target.kind, target.namespace, target.name, reload]);
  useEffect(() => {
    let live = true;
    api.can('update', target.kind, target.namespace).then(
      (p) => live && setPerm(p),
      (e: unknown) => live && setPerm({ allowed: false, reason: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [generation, target.kind, target.namespace]);
  const denied = readOnly || (perm && !perm.allowed ? perm.reason || `your user may not update ${what}` : '');
  if (editing) {
    return (
      <EditYaml
        generation={generation}
        target={target}
        context={context}
        what={what}
        disabled={denied || undefined}
        onDone={(version) => {
          setEditing(false);
          if (version) {
            setApplied(version);
            setReload((n) => n + 1);
          }
        }}
      />
    );
  }
  return (
    <div className="yaml-tab">
      <div className="yaml-bar">
        <span className="muted" data-testid="yaml-state">
          {applied ? `Applied: now at resourceVersion ${applied}` : 'Read-only'}
        </span>
        <span className="edit-actions">
          <button
            type="button"
            className="button small"
            data-testid="yaml-edit"
            disabled={perm === null || !!denied}
            title={perm === null ? 'Checking access…' : denied || 'Edit this object: preview the change, then apply it'}
            onClick={() => {
              setApplied(null);
              setEditing(true);
            }}
          >
            Edit
          </button>
          <button type="button" className="button small" onClick={() => setReload((n) => n + 1)}>
            Reload
          </button>
        </span>
      </div>
      {denied && (
        <p className="edit-note muted" data-testid="yaml-edit-denied">
          {denied}
        </p>
      )}
      {error && (
        <div className="panel-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      <div className="yaml" data-testid="yaml">
        {text === null && !error && <p className="muted pad">Loading YAML…</p>}
        {text !== null && (
          <Suspense fallback={<p className="muted pad">Loading editor…</p>}>
            <YamlEditor text={text} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
