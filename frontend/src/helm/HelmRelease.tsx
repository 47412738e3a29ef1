import { lazy, Suspense, useEffect, useState } from 'react';
import { api, errorMessage, type HelmRelease, type HelmValueLeaf, type KindInfo, type Row } from '../api';
import { age, dateAndTime } from '../time';

// CodeMirror is loaded only when a manifest is first shown.
const YamlEditor = lazy(() => import('../edit/YamlEditor'));

/** The details tabs of a Helm release besides the overview. */
export type HelmTab = 'history' | 'values' | 'manifest';
export const HELM_TABS: HelmTab[] = ['history', 'values', 'manifest'];
export const helmTabTitle = (t: HelmTab) => (t === 'history' ? 'History' : t === 'values' ? 'Values' : 'Manifest');

export interface HelmState {
  release: HelmRelease | null;
  error: string | null;
}

/**
 * useHelmRelease reads a release from its Secrets (history, the places of
 * its values, notes, resources), again whenever `version` changes (the
 * row the details panel follows changed: a new revision). Nothing is read
 * unless enabled (the panel shows a Helm release).
 */
export function useHelmRelease(generation: number, namespace: string, name: string, version: string, enabled: boolean): HelmState {
  const [state, setState] = useState<HelmState>({ release: null, error: null });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api.helmRelease(namespace, name).then(
      (release) => live && setState({ release, error: null }),
      (e: unknown) => live && setState((s) => ({ release: s.release, error: errorMessage(e) })),
    );
    return () => {
      live = false;
    };
  }, [generation, namespace, name, version, enabled]);
  useEffect(() => setState({ release: null, error: null }), [generation, namespace, name]);
  return state;
}

function Failed({ error }: { error: string }) {
  return (
    <div className="panel-error" role="alert" data-testid="helm-error">
      <p>{error}</p>
    </div>
  );
}

/** HelmOverview adds to the overview what the release's Secret says: a problem, its notes and the resources it owns. */
export function HelmOverview({ state, kinds, onNavigate }: { state: HelmState; kinds: ReadonlyMap<string, KindInfo>; onNavigate: (r: Row) => void }) {
  const { release, error } = state;
  if (error) return <Failed error={error} />;
  if (!release) return <p className="muted pad">Reading the release…</p>;
  return (
    <div className="overview helm-overview">
      {release.problem && (
        <p className="error pad" data-testid="helm-problem">
          {release.problem}
        </p>
      )}
      {release.resources.length > 0 && (
        <section className="details-section">
          <h3>
            Resources <span className="muted">{release.resources.length}</span>
          </h3>
          <ul className="related" data-testid="helm-resources">
            {release.resources.map((r) => (
              <li key={r.apiKind + '/' + r.key}>
                {r.kind ? (
                  <button
                    type="button"
                    className="related-link"
                    data-testid="helm-resource"
                    data-kind={r.kind}
                    data-key={r.key}
                    title={`${kinds.get(r.kind)?.label ?? r.apiKind}: ${r.key}`}
                    onClick={() => onNavigate({ kind: r.kind!, namespace: r.namespace, name: r.name, key: r.key } as Row)}
                  >
                    <span className="related-kind">{r.apiKind}</span>
                    <span className="related-name">{r.name}</span>
                  </button>
                ) : (
                  <span className="related-link unlinked" data-testid="helm-resource" title={`${r.apiVersion} ${r.apiKind}: not served by this cluster`}>
                    <span className="related-kind">{r.apiKind}</span>
                    <span className="related-name">{r.name}</span>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {release.notes && (
        <section className="details-section">
          <h3>Notes</h3>
          <pre className="helm-notes" data-testid="helm-notes">
            {release.notes}
            {release.notesCut ? '\n…' : ''}
          </pre>
        </section>
      )}
    </div>
  );
}

/** HelmHistory lists every revision, the newest first. */
export function HelmHistory({ state, now }: { state: HelmState; now: number }) {
  const { release, error } = state;
  if (error) return <Failed error={error} />;
  if (!release) return <p className="muted pad">Reading the history…</p>;
  return (
    <div className="fact-table-wrap pad">
      <table className="fact-table helm-history" data-testid="helm-history">
        <thead>
          <tr>
            <th>Revision</th>
            <th>Status</th>
            <th>Updated</th>
            <th>Chart</th>
            <th>App version</th>
            <th>Description</th>
          </tr>
        </thead>
        <tbody>
          {release.history.map((h) => (
            <tr key={h.revision + '/' + h.secret} data-testid="helm-revision" data-revision={h.revision} data-status={h.status}>
              <td>{h.revision}</td>
              <td className={'health-' + h.health}>{h.status}</td>
              <td title={h.updated ? dateAndTime(h.updated * 1000) : undefined}>{h.updated ? `${age(h.updated, now)} ago` : ''}</td>
              <td>{h.chart}</td>
              <td>{h.appVersion}</td>
              <td>{h.problem ? `cannot be read: ${h.problem}` : h.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * HelmValues lists the latest revision's values, masked: each is read from
 * the release's Secret only when the user reveals it, kept in its row
 * alone, and dropped on Hide or when the panel moves on.
 */
export function HelmValues({ state, namespace, name }: { state: HelmState; namespace: string; name: string }) {
  const [computed, setComputed] = useState(false);
  const { release, error } = state;
  if (error) return <Failed error={error} />;
  if (!release) return <p className="muted pad">Reading the values…</p>;
  const values = computed ? release.computed : release.config;
  return (
    <div className="helm-values pad" data-testid="helm-values" data-computed={computed}>
      <div className="segmented" role="radiogroup" aria-label="Which values">
        <button type="button" role="radio" aria-checked={!computed} className={'button small' + (!computed ? ' active' : '')} data-testid="helm-values-user" onClick={() => setComputed(false)}>
          User-supplied
        </button>
        <button type="button" role="radio" aria-checked={computed} className={'button small' + (computed ? ' active' : '')} data-testid="helm-values-computed" onClick={() => setComputed(true)}>
          Computed (chart defaults merged)
        </button>
      </div>
      <p className="muted">Values often hold credentials: each is read from revision {release.revision}&apos;s Secret only when revealed, and not kept.</p>
      {values.leaves.length === 0 && <p className="muted">No values.</p>}
      <ul className="secret-keys">
        {values.leaves.map((l) => (
          <ValueItem key={(computed ? 'c:' : 'u:') + l.display} leaf={l} namespace={namespace} name={name} revision={release.revision} computed={computed} />
        ))}
      </ul>
      {values.more ? <p className="muted">{values.more} more values not listed.</p> : null}
    </div>
  );
}

function ValueItem({ leaf, namespace, name, revision, computed }: { leaf: HelmValueLeaf; namespace: string; name: string; revision: number; computed: boolean }) {
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reveal = () => {
    setBusy(true);
    setError(null);
    api
      .revealHelmValue(namespace, name, revision, computed, leaf.path)
      .then(
        (v) => setValue(v),
        (e: unknown) => setError(errorMessage(e)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <li className="secret-key" data-testid="helm-value" data-path={leaf.display}>
      <div className="secret-key-head">
        <span className="secret-key-name">{leaf.display}</span>
        <span className="muted">
          {leaf.type}, {leaf.size} chars
        </span>
        {value === null ? (
          <>
            <span className="masked" data-testid="helm-value-masked" aria-label="hidden value">
              ••••••
            </span>
            <button type="button" className="link-button" data-testid="helm-value-reveal" disabled={busy} title="Read this value now; it is not kept" onClick={reveal}>
              Reveal
            </button>
          </>
        ) : (
          <button type="button" className="link-button" data-testid="helm-value-hide" onClick={() => setValue(null)}>
            Hide
          </button>
        )}
      </div>
      {value !== null && (
        <pre className="secret-value" data-testid="helm-value-text">
          {value}
        </pre>
      )}
      {error && <p className="error">{error}</p>}
    </li>
  );
}

/** HelmManifest shows a revision's rendered manifest (read through the backend's handler), the latest by default. */
export function HelmManifest({ state, generation, namespace, name }: { state: HelmState; generation: number; namespace: string; name: string }) {
  const { release, error } = state;
  const [revision, setRevision] = useState(0);
  const [text, setText] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const shown = revision || release?.revision || 0;
  useEffect(() => {
    if (!shown) return;
    let live = true;
    setText(null);
    setFailed(null);
    api.fetchHelmManifest(generation, namespace, name, shown).then(
      (t) => live && setText(t),
      (e: unknown) => live && setFailed(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [generation, namespace, name, shown]);
  if (error) return <Failed error={error} />;
  if (!release) return <p className="muted pad">Reading the release…</p>;
  return (
    <div className="yaml-tab" data-testid="helm-manifest" data-revision={shown}>
      <div className="yaml-bar">
        <label className="muted">
          Revision{' '}
          <select data-testid="helm-manifest-revision" value={shown} onChange={(e) => setRevision(Number(e.target.value))}>
            {release.history.map((h) => (
              <option key={h.revision + '/' + h.secret} value={h.revision}>
                {h.revision} ({h.status})
              </option>
            ))}
          </select>
        </label>
      </div>
      {failed && <Failed error={failed} />}
      <div className="yaml" data-testid="yaml">
        {text === null && !failed && <p className="muted pad">Loading the manifest…</p>}
        {text !== null && (
          <Suspense fallback={<p className="muted pad">Loading editor…</p>}>
            <YamlEditor text={text} />
          </Suspense>
        )}
      </div>
    </div>
  );
}
