import { useEffect, useState } from 'react';
import { api, errorMessage, type NodeShellLeftovers, type NodeShellPod } from '../api';
import { useEscape } from '../useEscape';
import { age } from '../time';

interface Props {
  generation: number;
  context: string;
  /** The session answers: leftovers are asked for once it does. */
  connected: boolean;
  now: number;
}

/** What became of a pod the user asked to delete. */
type Outcome = { state: 'deleting' } | { state: 'deleted' } | { state: 'error'; message: string };

const key = (p: NodeShellPod) => `${p.namespace}/${p.name}`;

/**
 * held is the answer for one generation, kept while the banner unmounts
 * and mounts again (the shell hides it during a switch), so that the
 * backend is asked once per session and a dismissal or a deletion stays.
 */
const held = {
  generation: 0,
  found: Promise.resolve<NodeShellLeftovers | null>(null),
  dismissed: false,
};

function leftovers(generation: number): Promise<NodeShellLeftovers | null> {
  if (held.generation !== generation) {
    held.generation = generation;
    held.dismissed = false;
    held.found = api.nodeShellLeftovers().then(
      (l) => (l.generation === generation ? l : null),
      () => null,
    );
  }
  return held.found;
}

/**
 * LeftoverNodeShells asks once per session for node shell pods that no
 * terminal of this window holds (an earlier run that crashed or lost the
 * cluster left them) and, when there are any, says so in a banner. Its
 * dialog lists them (namespace, name, node, age, who opened them) and
 * deletes them, after a confirmation naming the context, one by one, each
 * pod's outcome shown.
 */
export function LeftoverNodeShells({ generation, context, connected, now }: Props) {
  const [found, setFound] = useState<NodeShellLeftovers | null>(null);
  const [open, setOpen] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    setFound(null);
    setOpen(false);
    setDismissed(false);
    if (!connected || generation === 0) return;
    let live = true;
    leftovers(generation).then((l) => {
      if (!live) return;
      setFound(l);
      setDismissed(held.dismissed);
    });
    return () => {
      live = false;
    };
  }, [connected, generation]);
  const pods = found?.pods ?? [];
  if (pods.length === 0) return null;
  return (
    <>
      {!dismissed && (
        <p className="stale-banner leftover-banner" role="status" data-testid="node-shell-leftovers">
          {pods.length === 1 ? 'A node shell pod was' : `${pods.length} node shell pods were`} left running in {context} by an earlier
          session.{' '}
          <button type="button" className="link-button" data-testid="node-shell-leftovers-review" onClick={() => setOpen(true)}>
            Review…
          </button>{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              held.dismissed = true;
              setDismissed(true);
            }}
          >
            Dismiss
          </button>
        </p>
      )}
      {open && found && (
        <LeftoversDialog
          generation={generation}
          context={context}
          found={found}
          now={now}
          onClose={(deleted) => {
            setOpen(false);
            if (deleted.size > 0) {
              const rest = { ...found, pods: pods.filter((p) => !deleted.has(key(p))) };
              if (held.generation === generation) held.found = Promise.resolve(rest);
              setFound(rest);
            }
          }}
        />
      )}
    </>
  );
}

function LeftoversDialog({ generation, context, found, now, onClose }: { generation: number; context: string; found: NodeShellLeftovers; now: number; onClose: (deleted: Set<string>) => void }) {
  const pods = found.pods ?? [];
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const deleted = () => new Set(Object.entries(outcomes).filter(([, o]) => o.state === 'deleted').map(([k]) => k));
  const close = () => {
    if (!busy) onClose(deleted());
  };
  useEscape(close, true);
  const todo = pods.filter((p) => outcomes[key(p)]?.state !== 'deleted');
  const run = async () => {
    setConfirming(false);
    setBusy(true);
    for (const p of todo) {
      const k = key(p);
      setOutcomes((o) => ({ ...o, [k]: { state: 'deleting' } }));
      try {
        await api.deleteNodeShellPod(generation, p.namespace, p.name);
        setOutcomes((o) => ({ ...o, [k]: { state: 'deleted' } }));
      } catch (e: unknown) {
        setOutcomes((o) => ({ ...o, [k]: { state: 'error', message: errorMessage(e) } }));
      }
    }
    setBusy(false);
  };
  const n = todo.length;
  const what = n === 1 ? '1 leftover node shell pod' : `${n} leftover node shell pods`;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <section className="palette settings leftovers" role="dialog" aria-label="Leftover node shell pods" data-testid="node-shell-leftovers-dialog">
        <header className="settings-head">
          <h2>Leftover node shell pods · {context}</h2>
          <button type="button" className="link-button" onClick={close} disabled={busy} aria-label="Close leftover node shell pods">
            Close
          </button>
        </header>
        <div className="settings-body">
          <p className="muted">
            Privileged pods that Crowsnest created for node shells and that no open shell of this window holds, found in {found.scope}
            {found.more ? ' (more than listed)' : ''}. A pod another Crowsnest window still uses says who opened it: check before
            deleting.
          </p>
          <table className="forwards-table leftovers-table">
            <thead>
              <tr>
                <th>Namespace</th>
                <th>Pod</th>
                <th>Node</th>
                <th>Age</th>
                <th>Opened by</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {pods.map((p) => {
                const o = outcomes[key(p)];
                return (
                  <tr key={key(p)} data-testid="node-shell-leftover" data-key={key(p)} data-state={o?.state}>
                    <td>{p.namespace}</td>
                    <td>{p.name}</td>
                    <td>{p.node}</td>
                    <td>{age(p.created, now)}</td>
                    <td title={p.session}>{p.openedBy || '?'}</td>
                    <td className={o?.state === 'error' ? 'error' : 'muted'}>
                      {o?.state === 'deleting' ? 'deleting…' : o?.state === 'deleted' ? 'deleted' : o?.state === 'error' ? o.message : p.deleting ? 'being deleted' : p.phase}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {confirming ? (
            <div className="settings-actions" role="alertdialog" aria-label="Confirm the deletion">
              <span>
                Delete {what} in context {context}? Shells still running in them end.
              </span>
              <button type="button" className="button primary" data-testid="node-shell-leftovers-confirm" onClick={() => void run()}>
                Delete {n === 1 ? 'the pod' : `${n} pods`}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Back
              </button>
            </div>
          ) : (
            <div className="settings-actions">
              {n > 0 ? (
                <button type="button" className="button primary" data-testid="node-shell-leftovers-delete" disabled={busy} onClick={() => setConfirming(true)}>
                  Delete {what}
                </button>
              ) : (
                <span className="muted" data-testid="node-shell-leftovers-done">
                  Every pod listed was deleted.
                </span>
              )}
              {busy && <span className="muted">Deleting one by one…</span>}
            </div>
          )}
        </div>
      </section>
    </div>
  );
}
