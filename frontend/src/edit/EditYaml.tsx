import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, type EditConflict, type EditInfo, type Rebase, type YAMLError } from '../api';
import { ConfirmDialog } from '../writes/ConfirmDialog';
import { DiffText } from './DiffText';
import { hiddenKeys, revealIn, toBase64 } from './yamlText';

// CodeMirror (and its merge view) load on demand.
const YamlEditor = lazy(() => import('./YamlEditor'));
const ConflictView = lazy(() => import('./ConflictView'));

export interface EditTarget {
  kind: string;
  namespace: string;
  name: string;
}

interface Props {
  generation: number;
  target: EditTarget;
  /** context names the context in the confirmation. */
  context: string;
  /** what is the kind as people read it ("Deployment"). */
  what: string;
  /** disabled is why the edit cannot be applied (read-only, RBAC): Apply stays disabled with it. */
  disabled?: string;
  /** onDone leaves edit mode: with the new resourceVersion when applied. */
  onDone: (appliedVersion?: string) => void;
  /** restoreSeq begins the edit from a change of the timeline: the live object with that change's fields set back. */
  restoreSeq?: number;
}

interface Previewed {
  text: string;
  token: string;
  diff: string;
}

/**
 * EditYaml is the YAML tab's edit mode. The edit begins from the live
 * object (its resourceVersion captured by the backend); Preview sends the
 * text as a dry run and shows the diff the server would make; Apply is
 * enabled only for the exact text whose preview succeeded. When the
 * object changed meanwhile the backend merges the two changes: a clean
 * merge is previewed again for the user to apply, a conflict opens the
 * side-by-side view. Whatever happens, the text the user typed stays.
 */
export function EditYaml({ generation, target, context, what, disabled, onDone, restoreSeq }: Props) {
  const [info, setInfo] = useState<EditInfo | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [yamlError, setYamlError] = useState<YAMLError | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<EditConflict[] | null>(null);
  const [live, setLive] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [applyError, setApplyError] = useState<string | null>(null);
  const [revealError, setRevealError] = useState<string | null>(null);
  const id = info?.id;
  const latest = useRef(text);
  latest.current = text;

  useEffect(() => {
    let live = true;
    let editId = '';
    (restoreSeq !== undefined ? api.beginRestore(generation, restoreSeq) : api.beginEdit(target.kind, target.namespace, target.name))
      .then((i) => {
        editId = i.id;
        if (!live) {
          void api.endEdit(i.id);
          return;
        }
        setInfo(i);
        return api.editText(generation, i.id).then((t) => live && setText(t));
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
      if (editId) void api.endEdit(editId).catch(() => undefined);
    };
  }, [generation, target.kind, target.namespace, target.name, restoreSeq]);

  const canApply = previewed !== null && text === previewed.text;

  const preview = useCallback(
    async (t: string) => {
      if (!id) return;
      setBusy(true);
      setYamlError(null);
      setError(null);
      setApplyError(null);
      // The backend forgets the last preview as this one starts.
      setPreviewed(null);
      try {
        const p = await api.previewEdit(generation, id, t);
        if (p.yamlError) setYamlError(p.yamlError);
        else if (p.error) setError(p.error);
        else if (p.rebase) await rebased(p.rebase);
        else if (p.token) setPreviewed({ text: t, token: p.token, diff: p.diff });
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    // rebased is stable enough: it reads only ids and setters
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [generation, id],
  );

  // rebased loads the merge the backend made after a 409: previewed again
  // at once when clean, shown beside the live object when it conflicts.
  const rebased = async (rb: Rebase) => {
    if (!id) return;
    setPreviewed(null);
    setInfo((i) => (i ? { ...i, resourceVersion: rb.resourceVersion } : i));
    const merged = await api.editText(generation, id);
    setText(merged);
    if (rb.conflicts?.length) {
      setLive(await api.editLive(generation, id));
      setConflicts(rb.conflicts);
      setNotice(`The ${what} changed since you began editing, and ${rb.conflicts.length === 1 ? 'one field was' : `${rb.conflicts.length} fields were`} changed on both sides. The live object is on the left, your edit (with your values) on the right: resolve, then preview.`);
      return;
    }
    setConflicts(null);
    setLive(null);
    setNotice(`The ${what} changed since you began editing; your changes were merged with it. Check the preview below, then apply.`);
    const p = await api.previewEdit(generation, id, merged);
    if (p.yamlError) setYamlError(p.yamlError);
    else if (p.error) setError(p.error);
    else if (p.token) setPreviewed({ text: merged, token: p.token, diff: p.diff });
    else if (p.rebase) setNotice(`The ${what} keeps changing; preview again.`);
  };

  const apply = async () => {
    if (!id || !previewed) return;
    setBusy(true);
    setApplyError(null);
    try {
      const r = await api.applyEdit(id, previewed.token);
      if (r.state === 'applied') {
        setConfirming(false);
        onDone(r.resourceVersion);
        return;
      }
      setConfirming(false);
      if (r.rebase) await rebased(r.rebase);
    } catch (e) {
      setApplyError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const hidden = useMemo(() => (info?.secret && text ? hiddenKeys(text) : []), [info?.secret, text]);
  const reveal = async (key: string) => {
    setRevealError(null);
    try {
      const v = await api.revealSecretValue(target.namespace, target.name, key);
      const cur = latest.current;
      const next = cur === null ? null : revealIn(cur, key, toBase64(v.value, !!v.base64));
      if (next !== null) setText(next);
    } catch (e) {
      setRevealError(errorMessage(e));
    }
  };

  const diffLines = previewed ? previewed.diff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l)).length : 0;
  return (
    <div className="yaml-tab editing" data-testid="edit-yaml">
      <div className="yaml-bar">
        <span className="muted" data-testid="edit-version">
          {info ? `Editing · based on resourceVersion ${info.resourceVersion}` : 'Reading the live object…'}
        </span>
        <span className="edit-actions">
          <button type="button" className="button small" data-testid="edit-preview" disabled={!id || text === null || busy} onClick={() => text !== null && preview(text)} title="Send as a dry run: see what the server would store">
            Preview
          </button>
          <button
            type="button"
            className="button small primary"
            data-testid="edit-apply"
            disabled={!canApply || busy || !!disabled}
            title={disabled ? disabled : canApply ? 'Apply this previewed text' : 'Preview this text first'}
            onClick={() => setConfirming(true)}
          >
            Apply…
          </button>
          <button type="button" className="button small" data-testid="edit-cancel" onClick={() => onDone()} disabled={busy}>
            Cancel
          </button>
        </span>
      </div>
      {disabled && (
        <p className="edit-note muted" data-testid="edit-disabled">
          {disabled}
        </p>
      )}
      {notice && (
        <p className="edit-note" role="status" data-testid="edit-notice">
          {notice}
        </p>
      )}
      {yamlError && (
        <p className="error edit-note" role="alert" data-testid="edit-yaml-error">
          {yamlError.line > 0 ? `Line ${yamlError.line}, column ${yamlError.column}: ` : ''}
          {yamlError.message}
        </p>
      )}
      {error && (
        <p className="error edit-note" role="alert" data-testid="edit-error">
          {error}
        </p>
      )}
      {conflicts && conflicts.length > 0 && (
        <ul className="edit-conflicts" data-testid="edit-conflicts">
          {conflicts.map((c) => (
            <li key={c.path} data-testid="edit-conflict">
              <code>{c.path}</code>: live <code data-testid="edit-conflict-live">{c.live || '(removed)'}</code>, yours <code data-testid="edit-conflict-yours">{c.yours || '(removed)'}</code>
            </li>
          ))}
        </ul>
      )}
      {hidden.length > 0 && (
        <div className="edit-secret" data-testid="edit-hidden">
          <span className="muted">Hidden values (kept as they are live unless revealed and changed):</span>
          {hidden.map((k) => (
            <button key={k} type="button" className="link-button" data-testid="edit-reveal" data-key={k} onClick={() => reveal(k)}>
              Reveal {k}
            </button>
          ))}
          {revealError && <span className="error">{revealError}</span>}
        </div>
      )}
      <div className="yaml edit-editor">
        {text === null && !error && <p className="muted pad">Loading…</p>}
        {text !== null && (
          <Suspense fallback={<p className="muted pad">Loading editor…</p>}>
            {conflicts && live !== null ? <ConflictView live={live} yours={text} onChange={setText} /> : <YamlEditor text={text} onChange={setText} />}
          </Suspense>
        )}
      </div>
      {previewed && (
        <div className="edit-preview">
          <p className="edit-preview-head muted">
            {canApply ? 'Preview: the live object → what the server would store' : 'The text changed since this preview: preview again to apply.'}
          </p>
          <DiffText diff={previewed.diff} stale={!canApply} />
        </div>
      )}
      {confirming && previewed && (
        <ConfirmDialog
          title={`Apply edit to ${what}`}
          context={context}
          namespace={target.namespace}
          kind={what}
          names={[target.name]}
          impact={
            previewed.diff === ''
              ? 'The server would store the object unchanged.'
              : `Replaces the ${what} with your edit, based on resourceVersion ${info?.resourceVersion}: ${diffLines} line${diffLines === 1 ? '' : 's'} of the preview change. If it changed meanwhile, nothing is written and your edit is merged with it.`
          }
          confirmLabel="Apply"
          busy={busy}
          error={applyError}
          disabled={disabled}
          onConfirm={apply}
          onCancel={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
