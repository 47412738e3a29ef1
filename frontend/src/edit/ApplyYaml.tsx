import { lazy, Suspense, useState } from 'react';
import { api, errorMessage, type ApplyDocument, type ApplyPreview, type ApplyResult } from '../api';
import { useEscape } from '../useEscape';
import { ConfirmDialog } from '../writes/ConfirmDialog';
import { useReadOnly } from '../writes/writeMode';
import { DiffText } from './DiffText';

const YamlEditor = lazy(() => import('./YamlEditor'));

/** The largest file the panel opens (the backend's edit.MaxText). */
const MAX_FILE = 4 << 20;

interface Props {
  generation: number;
  context: string;
  /** namespace is the one selected in the app ('' for all): the default of namespaced objects without one. */
  namespace: string;
  onClose: () => void;
}

interface Previewed extends ApplyPreview {
  text: string;
  /** denied says, per document index, why the user may not apply it (Can). */
  denied: Record<number, string>;
}

const objectName = (d: { kind: string; namespace?: string; name: string }) => `${d.kind} ${d.namespace ? d.namespace + '/' : ''}${d.name}`;

/**
 * ApplyYaml is "Create / apply YAML": paste or open a text of documents,
 * preview each as a server-side apply (dryRun=All) with its diff, apply
 * them with the field manager crowsnest, without force. Fields other
 * managers own are listed with their manager; taking them over is a
 * separate, confirmed action.
 */
export function ApplyYaml({ generation, context, namespace, onClose }: Props) {
  const [text, setText] = useState('');
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [results, setResults] = useState<ApplyResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<'apply' | 'force' | null>(null);
  const [applyError, setApplyError] = useState<string | null>(null);
  const readOnly = useReadOnly(context);
  useEscape(() => {
    if (!busy && !confirm) onClose();
  });

  const preview = async () => {
    setBusy(true);
    setError(null);
    setResults(null);
    try {
      const p = await api.previewApply(generation, namespace, text);
      const denied: Record<number, string> = {};
      await Promise.all(
        p.documents.map(async (d) => {
          if (!d.kindId || d.error) return;
          for (const verb of d.exists ? ['patch'] : ['patch', 'create']) {
            const perm = await api.can(verb, d.kindId, d.namespace ?? '');
            if (!perm.allowed) {
              denied[d.index] = perm.reason || `your user may not ${verb} ${d.kind}`;
              return;
            }
          }
        }),
      );
      setPreviewed({ ...p, text, denied });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const current = previewed !== null && previewed.text === text && !previewed.yamlError && !!previewed.token;
  const docs = previewed?.documents ?? [];
  const blocked = docs.some((d) => d.error || previewed?.denied[d.index]);
  const why = readOnly || (!current ? 'Preview this text first' : blocked ? 'Some documents cannot be applied: fix or remove them, then preview again' : '');
  const conflicting = (results ?? []).filter((r) => r.state === 'conflict');

  const run = async (force: boolean) => {
    if (!previewed?.token) return;
    setBusy(true);
    setApplyError(null);
    try {
      const r = await api.applyYAML(previewed.token, force, force ? conflicting.map((c) => c.index) : []);
      setResults((old) => (force && old ? old.map((o) => r.find((n) => n.index === o.index) ?? o) : r));
      setConfirm(null);
    } catch (e) {
      setApplyError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const openFile = (f: File | undefined) => {
    if (!f) return;
    if (f.size > MAX_FILE) {
      setError(`${f.name} is larger than 4 MiB`);
      return;
    }
    f.text().then(setText, (e: unknown) => setError(errorMessage(e)));
  };

  const managers = [...new Set(conflicting.flatMap((r) => (r.conflicts ?? []).map((c) => c.manager)))];
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <section className="palette apply-panel" role="dialog" aria-label="Create / apply YAML" data-testid="apply-yaml">
        <header className="settings-head">
          <h2>Create / apply YAML</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose} disabled={busy}>
            ×
          </button>
        </header>
        <div className="settings-body apply-body">
          <p className="muted">
            Paste or open objects (several separated by <code>---</code>). Each is sent as a server-side apply with the field manager{' '}
            <code>crowsnest</code>, without force; namespaced objects without a namespace go to <strong>{namespace || 'default'}</strong>.
          </p>
          <div className="edit-actions">
            <label className="button small">
              Open file…
              <input type="file" accept=".yaml,.yml,.json,text/yaml,application/json" hidden data-testid="apply-file" onChange={(e) => openFile(e.target.files?.[0])} />
            </label>
            <button type="button" className="button small" data-testid="apply-preview" disabled={busy || text.trim() === ''} onClick={preview}>
              Preview
            </button>
            <button type="button" className="button small primary" data-testid="apply-apply" disabled={busy || !!why} title={why || 'Apply the previewed objects'} onClick={() => setConfirm('apply')}>
              Apply…
            </button>
            {readOnly && <span className="muted">{readOnly}</span>}
          </div>
          <div className="apply-editor">
            <Suspense fallback={<p className="muted pad">Loading editor…</p>}>
              <YamlEditor text={text} onChange={setText} />
            </Suspense>
          </div>
          {error && (
            <p className="error" role="alert" data-testid="apply-error">
              {error}
            </p>
          )}
          {previewed?.yamlError && (
            <p className="error" role="alert" data-testid="apply-yaml-error">
              {previewed.yamlError.line > 0 ? `Line ${previewed.yamlError.line}, column ${previewed.yamlError.column}: ` : ''}
              {previewed.yamlError.message}
            </p>
          )}
          {previewed && !current && !previewed.yamlError && <p className="muted">The text changed since this preview: preview again to apply.</p>}
          {docs.length > 0 && (
            <ul className="apply-docs" data-testid="apply-docs">
              {docs.map((d) => (
                <DocumentItem key={d.index} doc={d} denied={previewed?.denied[d.index]} result={results?.find((r) => r.index === d.index)} />
              ))}
            </ul>
          )}
          {conflicting.length > 0 && (
            <div className="edit-actions">
              <button type="button" className="button small danger" data-testid="apply-force" disabled={busy || !!readOnly} onClick={() => setConfirm('force')}>
                Force ({conflicting.length})…
              </button>
              <span className="muted">Takes over the conflicting fields from {managers.join(', ')}.</span>
            </div>
          )}
        </div>
      </section>
      {confirm === 'apply' && previewed && (
        <ConfirmDialog
          title="Apply YAML"
          context={context}
          kind="Objects"
          names={docs.map(objectName)}
          impact={`Server-side apply with the field manager crowsnest, without force: ${docs.filter((d) => !d.exists).length} to create, ${docs.filter((d) => d.exists).length} to change. Fields other managers own are not taken over.`}
          typeToConfirm={docs.length > 1 ? String(docs.length) : undefined}
          confirmLabel="Apply"
          busy={busy}
          error={applyError}
          disabled={readOnly || undefined}
          onConfirm={() => run(false)}
          onCancel={() => setConfirm(null)}
        />
      )}
      {confirm === 'force' && (
        <ConfirmDialog
          title="Force apply"
          context={context}
          kind="Objects"
          names={conflicting.map(objectName)}
          impact={
            <ul className="confirm-names" data-testid="apply-force-fields">
              {conflicting.flatMap((r) =>
                (r.conflicts ?? []).map((c) => (
                  <li key={r.index + c.field}>
                    {objectName(r)}: {c.field} — owned by {c.manager}, taken over by crowsnest
                  </li>
                )),
              )}
            </ul>
          }
          typeToConfirm={conflicting.length > 1 ? String(conflicting.length) : undefined}
          confirmLabel="Force apply"
          danger
          busy={busy}
          error={applyError}
          disabled={readOnly || undefined}
          onConfirm={() => run(true)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </div>
  );
}

function DocumentItem({ doc, denied, result }: { doc: ApplyDocument; denied?: string; result?: ApplyResult }) {
  const conflicts = result?.conflicts ?? doc.conflicts ?? [];
  const planned = doc.error ? 'cannot be applied' : doc.exists ? (doc.diff ? 'will change' : 'no change') : 'will be created';
  return (
    <li className="apply-doc" data-testid="apply-doc" data-index={doc.index} data-state={result?.state ?? ''}>
      <div className="apply-doc-head">
        <strong>{objectName(doc)}</strong>
        <span className="muted">line {doc.line}</span>
        <span className="apply-state" data-testid="apply-doc-state">
          {result ? result.state : planned}
        </span>
      </div>
      {doc.error && <p className="error">{doc.error}</p>}
      {denied && <p className="error">{denied}</p>}
      {result?.error && result.state !== 'conflict' && <p className="error">{result.error}</p>}
      {conflicts.length > 0 && (
        <ul className="edit-conflicts" data-testid="apply-conflicts">
          {conflicts.map((c) => (
            <li key={c.field}>
              <code>{c.field}</code> is owned by <strong>{c.manager}</strong>
            </li>
          ))}
        </ul>
      )}
      {!doc.error && !result && <DiffText diff={doc.diff} />}
    </li>
  );
}
