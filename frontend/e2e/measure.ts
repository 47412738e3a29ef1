// What the page benchmarks (frontend, logs, terminal) measure with:
// percentiles of samples, the page's JavaScript heap after GC, and what
// the machine's processes took of its CPU meanwhile.
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
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

/** The processes a benchmark's machine runs, told apart by their command's name. */
const GROUPS = ['chromium', 'kube-apiserver', 'etcd', 'kwok', 'crowsnest', 'logflood', 'podsim', 'node'];

/** cpuTicks is the CPU time (clock ticks) each group of processes has used so far (Linux /proc). */
function cpuTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    let cmd: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      cmd = basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
    } catch {
      continue; // gone meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]); // utime + stime
    const group = GROUPS.find((g) => cmd.includes(g)) ?? 'other';
    out.set(group, (out.get(group) ?? 0) + ticks);
  }
  return out;
}

/**
 * cpuShare starts measuring; the function it returns says how many cores
 * each group of processes used on average since (USER_HZ = 100 ticks a
 * second, as Linux reports /proc/<pid>/stat). Processes that ended
 * meanwhile are not counted.
 */
export function cpuShare(): () => Record<string, number> {
  const t0 = performance.now();
  const before = cpuTicks();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const out: Record<string, number> = {};
    for (const [g, t] of cpuTicks()) {
      const used = (t - (before.get(g) ?? 0)) / 100 / seconds;
      if (used >= 0.01) out[g] = Math.round(used * 100) / 100;
    }
    return out;
  };
}
