// What the page benchmarks (frontend, logs, terminal) measure with:
// percentiles of samples, and the page's JavaScript heap after GC.
import type { CDPSession } from 'playwright-core';

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** stats is the count, median, 95th percentile and maximum of xs. */
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}

/** heapMB is the page's JavaScript heap in MB after three garbage collections. */
export async function heapMB(cdp: CDPSession): Promise<number> {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return Math.round((usedSize / 1024 / 1024) * 10) / 10;
}
