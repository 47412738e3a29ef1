// What the page says of metrics.k8s.io: once, above a table of pods or
// nodes (and in their details), never per cell.
import type { MetricsState, MetricsStatus } from '../api';

/** stateOf is the state of the resource a kind's usage columns read ("pods", "nodes"). */
export function stateOf(status: MetricsStatus | undefined, usage: string | undefined): MetricsState | undefined {
  if (!status || !usage) return undefined;
  if (usage === 'pods') return status.pods;
  if (usage === 'nodes') return status.nodes;
  return undefined;
}

/** metricsProblem is the sentence for a state without measurements, or null (available, or not asked yet). */
export function metricsProblem(st: MetricsState | undefined): string | null {
  switch (st?.state) {
    case 'not-installed':
      return 'Metrics not installed: ' + (st.message || 'the server has no metrics.k8s.io API');
    case 'unavailable':
      return 'Metrics unavailable: ' + (st.message || 'the metrics API does not answer');
    case 'forbidden':
      return 'Metrics forbidden: ' + (st.message || 'your user may not read metrics.k8s.io');
    default:
      return null;
  }
}
