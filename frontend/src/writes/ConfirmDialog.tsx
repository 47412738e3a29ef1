import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useEscape } from '../useEscape';

export interface ConfirmProps {
  /** title names the action: "Scale Deployment", "Delete 3 pods". */
  title: string;
  /** Where the write goes: every confirmation names the context, namespace, kind and object(s). */
  context: string;
  namespace?: string;
  kind: string;
  names: string[];
  /** impact says what will happen (replicas before → after, the pods a drain evicts...). Rendered as given: pass text or elements, never HTML strings. */
  impact?: ReactNode;
  /** typeToConfirm, when set, must be typed exactly before the action is enabled (a namespace's or node's name, or the count). */
  typeToConfirm?: string;
  confirmLabel: string;
  /** danger styles the confirm button as destructive. */
  danger?: boolean;
  /** busy disables the buttons while the write runs; error is the API's answer, shown as is. */
  busy?: boolean;
  error?: string | null;
  /** disabled, when set, is why the action cannot run (read-only, RBAC); the confirm button stays disabled and this is shown. */
  disabled?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** The most names a confirmation lists before it says how many more. */
export const MAX_LISTED = 20;

/**
 * ConfirmDialog is the one confirmation every write goes through
 * (DESIGN: a write is never a surprise). It names the context, namespace,
 * kind and objects, shows the impact, and for destructive or bulk actions
 * asks the user to type a name or a count. Everything from the cluster is
 * rendered as text.
 */
export function ConfirmDialog(p: ConfirmProps) {
  const [typed, setTyped] = useState('');
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEscape(() => {
    if (!p.busy) p.onCancel();
  });
  useEffect(() => {
    (p.typeToConfirm ? input.current : confirmButton.current)?.focus();
  }, [p.typeToConfirm]);

  const typedOk = !p.typeToConfirm || typed.trim() === p.typeToConfirm;
  const listed = p.names.slice(0, MAX_LISTED);
  const more = p.names.length - listed.length;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !p.busy && p.onCancel()}>
      <section className="palette confirm" role="alertdialog" aria-modal="true" aria-labelledby={id + '-title'} data-testid="confirm">
        <header className="settings-head">
          <h2 id={id + '-title'}>{p.title}</h2>
        </header>
        <div className="settings-body">
          <dl className="kv confirm-where">
            <div className="kv-row">
              <dt>Context</dt>
              <dd data-testid="confirm-context">{p.context}</dd>
            </div>
            {p.namespace ? (
              <div className="kv-row">
                <dt>Namespace</dt>
                <dd data-testid="confirm-namespace">{p.namespace}</dd>
              </div>
            ) : null}
            <div className="kv-row">
              <dt>{p.kind}</dt>
              <dd data-testid="confirm-names">
                <ul className="confirm-names">
                  {listed.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                  {more > 0 && <li className="muted">and {more.toLocaleString()} more</li>}
                </ul>
              </dd>
            </div>
          </dl>
          {p.impact ? (
            <div className="confirm-impact" data-testid="confirm-impact">
              {p.impact}
            </div>
          ) : null}
          {p.typeToConfirm ? (
            <label className="confirm-type">
              <span>
                Type <strong>{p.typeToConfirm}</strong> to confirm
              </span>
              <input
                ref={input}
                data-testid="confirm-type"
                spellCheck={false}
                autoComplete="off"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && typedOk && !p.busy && !p.disabled) p.onConfirm();
                }}
              />
            </label>
          ) : null}
          {p.disabled ? (
            <p className="error" data-testid="confirm-disabled">
              {p.disabled}
            </p>
          ) : null}
          {p.error ? (
            <p className="error" role="alert" data-testid="confirm-error">
              {p.error}
            </p>
          ) : null}
          <div className="settings-actions">
            <button type="button" className="button" onClick={p.onCancel} disabled={p.busy} data-testid="confirm-cancel">
              Cancel
            </button>
            <button
              ref={confirmButton}
              type="button"
              className={'button ' + (p.danger ? 'danger' : 'primary')}
              disabled={!typedOk || !!p.busy || !!p.disabled}
              onClick={p.onConfirm}
              data-testid="confirm-ok"
            >
              {p.busy ? 'Working…' : p.confirmLabel}
            </button>
          </div>
        </div>
      </section>
    </div>
  );
}
