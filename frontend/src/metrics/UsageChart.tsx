import { useEffect, useState } from 'react';
import { api, errorMessage, type MetricsStatus, type UsageHistory } from '../api';
import { Sparkline } from './Sparkline';
import { metricsProblem, stateOf } from './state';

interface Props {
  generation: number;
  kind: string;
  namespace: string;
  name: string;
  /** The kind's measured resource (KindInfo.usage). */
  usage: string;
  /** The session's metrics status: a new version means new measurements to read. */
  status: MetricsStatus | undefined;
}

/**
 * UsageChart shows a pod's or node's CPU and memory over the window the
 * backend keeps (15 minutes): the total, then a pod's containers, each a
 * sparkline with its latest value. Read again when a poll brought
 * measurements (the status's version), one read at a time.
 */
export function UsageChart({ generation, kind, namespace, name, usage, status }: Props) {
  const [history, setHistory] = useState<UsageHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = status?.version ?? 0;
  useEffect(() => {
    let live = true;
    api.usage(kind, namespace, name).then(
      (h) => {
        if (!live) return;
        setHistory(h);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [generation, kind, namespace, name, version]);
  const problem = metricsProblem(stateOf(status, usage));
  const series = history?.series ?? [];
  const minutes = Math.round((history?.windowSeconds ?? 900) / 60);
  return (
    <section className="details-section usage" data-testid="usage-chart">
      <h3>Usage (last {minutes} minutes)</h3>
      {problem && (
        <p className="muted" data-testid="usage-state" role="status">
          {problem}
        </p>
      )}
      {error && <p className="muted">{error}</p>}
      {!problem && !error && series.length === 0 && <p className="muted">No measurements yet.</p>}
      {series.length > 0 && (
        <div className="usage-grid" role="table" aria-label="CPU and memory">
          <div className="usage-head" role="row">
            <span role="columnheader">{usage === 'pods' ? 'Container' : ''}</span>
            <span role="columnheader">CPU</span>
            <span role="columnheader">Memory</span>
          </div>
          {series.map((s) => {
            const times = s.points.map((p) => p.t);
            const last = s.points[s.points.length - 1];
            const who = s.name || 'Total';
            return (
              <div className="usage-row" role="row" key={s.name} data-testid="usage-series" data-name={who}>
                <span className="usage-name" role="rowheader">
                  {who}
                </span>
                <span className="usage-cell" role="cell">
                  <span className="usage-value" data-testid="usage-cpu">
                    {last ? formatCPU(last.cpu) : '—'}
                  </span>
                  <Sparkline times={times} values={s.points.map((p) => p.cpu)} label={`${who} CPU`} width={140} />
                </span>
                <span className="usage-cell" role="cell">
                  <span className="usage-value" data-testid="usage-memory">
                    {last ? formatMemory(last.memory) : '—'}
                  </span>
                  <Sparkline times={times} values={s.points.map((p) => p.memory)} label={`${who} memory`} width={140} />
                </span>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

/** formatCPU writes millicores as the columns do ("250m"). */
export function formatCPU(milli: number): string {
  return `${Math.round(milli)}m`;
}

/** formatMemory writes bytes as the columns do: Mi, or Ki under 1 Mi. */
export function formatMemory(bytes: number): string {
  if (bytes < 1 << 20) return `${Math.round(bytes / 1024)}Ki`;
  return `${Math.round(bytes / (1 << 20))}Mi`;
}
