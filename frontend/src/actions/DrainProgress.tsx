import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, type DrainStatus } from '../api';
import { useEscape } from '../useEscape';

interface Props {
  id: string;
  generation: number;
  node: string;
  onClose: () => void;
}

/**
 * DrainProgress follows a drain: each pod's eviction, a
 * PodDisruptionBudget that blocks one by name, the end and why. It reads
 * the status again on each drain:changed notice of its drain (one read at
 * a time); Cancel stops the drain (the node stays cordoned). The drain is
 * the session's: a new session ends it.
 */
export function DrainProgress({ id, generation, node, onClose }: Props) {
  const [st, setSt] = useState<DrainStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reading = useRef(false);
  const again = useRef(false);
  const running = st === null || st.state === 'running';
  useEscape(() => {
    if (!running) onClose();
  });
  useEffect(() => {
    let live = true;
    const read = () => {
      if (reading.current) {
        again.current = true;
        return;
      }
      reading.current = true;
      api.drainStatus(id).then(
        (s) => {
          reading.current = false;
          if (!live) return;
          setSt(s);
          if (again.current) {
            again.current = false;
            read();
          }
        },
        (e: unknown) => {
          reading.current = false;
          if (live) setError(errorMessage(e));
        },
      );
    };
    const off = api.onDrainChanged((n) => {
      if (n.id === id && n.generation === generation) read();
    });
    read();
    return () => {
      live = false;
      off();
    };
  }, [id, generation]);
  const counts = new Map<string, number>();
  for (const p of st?.pods ?? []) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  return (
    <div className="palette-backdrop">
      <section className="palette confirm" role="dialog" aria-modal="true" aria-label={`Drain ${node}`} data-testid="drain-progress" data-state={st?.state ?? 'running'}>
        <header className="settings-head">
          <h2>Draining node {node}</h2>
        </header>
        <div className="settings-body">
          <p data-testid="drain-summary">
            {st ? st.state : 'starting'}
            {counts.size > 0 && ' · ' + [...counts].map(([s, n]) => `${n} ${s}`).join(', ')}
          </p>
          {st?.message && (
            <p className={st.state === 'done' ? '' : 'error'} data-testid="drain-message">
              {st.message}
            </p>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {st && st.pods.length > 0 && <DrainPods pods={st.pods} />}
          <div className="settings-actions">
            {running ? (
              <button type="button" className="button danger" data-testid="drain-cancel" onClick={() => api.cancelDrain(id).catch((e: unknown) => setError(errorMessage(e)))}>
                Cancel drain
              </button>
            ) : (
              <button type="button" className="button primary" data-testid="drain-close" onClick={onClose}>
                Close
              </button>
            )}
          </div>
        </div>
      </section>
    </div>
  );
}

/** DrainPods lists a node's pods as a drain treats them: evicted, skipped, refused or blocked (with the budget). */
export function DrainPods({ pods }: { pods: { namespace: string; name: string; state: string; reason?: string; budget?: string }[] }) {
  return (
    <table className="drain-pods" data-testid="drain-pods">
      <thead>
        <tr>
          <th>Pod</th>
          <th>State</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {pods.map((p) => (
          <tr key={p.namespace + '/' + p.name} data-testid="drain-pod" data-state={p.state} data-budget={p.budget || undefined}>
            <td>
              {p.namespace}/{p.name}
            </td>
            <td className={'drain-state drain-' + p.state}>{p.state}</td>
            <td>{p.budget ? `PodDisruptionBudget ${p.budget}` : p.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
