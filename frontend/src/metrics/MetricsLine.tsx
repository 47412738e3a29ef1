import type { MetricsStatus } from '../api';
import { metricsProblem, stateOf } from './state';

/** MetricsLine says, above a table of pods or nodes, why its CPU and memory columns show "—"; nothing while metrics answer. */
export function MetricsLine({ status, usage }: { status: MetricsStatus | undefined; usage: string | undefined }) {
  const st = stateOf(status, usage);
  const problem = metricsProblem(st);
  if (!problem) return null;
  const retry = status?.intervalSeconds ? Math.max(60, status.intervalSeconds) : 60;
  return (
    <p className="metrics-line" data-testid="metrics-state" data-state={st?.state} role="status" title={`Asked again every ${retry} s while shown`}>
      {problem}
    </p>
  );
}
