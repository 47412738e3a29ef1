/** Sparkline draws values over times as a small SVG line of our own, scaled to its box; the last point is marked. */
export function Sparkline({ times, values, width = 220, height = 36, label }: { times: number[]; values: number[]; width?: number; height?: number; label: string }) {
  const d = sparkPath(times, values, width, height);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {d.path && <path d={d.path} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />}
      {d.last && <circle cx={d.last[0]} cy={d.last[1]} r="2" fill="currentColor" />}
    </svg>
  );
}

/** sparkPath maps the points into the box (times across, 0 to the highest value up), 2 px inside its edges. */
export function sparkPath(times: number[], values: number[], width: number, height: number): { path: string; last: [number, number] | null } {
  const n = Math.min(times.length, values.length);
  if (n === 0) return { path: '', last: null };
  const pad = 2;
  const t0 = times[0] ?? 0;
  const span = (times[n - 1] ?? t0) - t0 || 1;
  const top = Math.max(...values.slice(0, n)) || 1;
  const x = (t: number) => (n === 1 ? width - pad : pad + ((t - t0) / span) * (width - 2 * pad));
  const y = (v: number) => height - pad - (Math.max(v, 0) / top) * (height - 2 * pad);
  let path = '';
  let last: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    last = [round(x(times[i] ?? t0)), round(y(values[i] ?? 0))];
    path += (i === 0 ? 'M' : 'L') + last[0] + ' ' + last[1];
  }
  return { path, last };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
