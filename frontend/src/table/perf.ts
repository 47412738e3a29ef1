// Script-time accounting for the frontend benchmark (frontend/e2e/frontend.bench.ts),
// off unless the page defines window.__crowsnestPerf before the app starts:
// the app as users get it records nothing.
import type { Cost } from './windowCache';

/** One synchronous stretch of script spent for a view version. */
export interface CostEntry {
  what: 'notice' | 'window' | 'log-notice' | 'log-window';
  ms: number;
  version: number;
  /** performance.now() when it ended. */
  at: number;
}

declare global {
  interface Window {
    /** Set by the benchmark; the app appends what notices cost. */
    __crowsnestPerf?: { costs: CostEntry[] };
  }
}

/** noticeCost records what a notice and the refetches it caused cost, when the benchmark asks. */
export const noticeCost: Cost | undefined =
  typeof window !== 'undefined' && window.__crowsnestPerf
    ? (what, ms, version) => window.__crowsnestPerf!.costs.push({ what, ms, version, at: performance.now() })
    : undefined;

/** logNoticeCost records the same for a log view's notices (logs/logStore.ts), told apart from the tables'. */
export const logNoticeCost: Cost | undefined =
  typeof window !== 'undefined' && window.__crowsnestPerf
    ? (what, ms, version) =>
        window.__crowsnestPerf!.costs.push({ what: what === 'notice' ? 'log-notice' : 'log-window', ms, version, at: performance.now() })
    : undefined;
