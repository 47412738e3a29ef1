import { useEffect, useState } from 'react';

/**
 * age renders the time since a Unix-seconds instant the way kubectl does:
 * two units while they matter (3m12s, 5h4m, 2d3h), one after.
 */
export function age(unixSeconds: number, nowMs: number): string {
  if (!unixSeconds) return '';
  return span(Math.max(0, Math.floor(nowMs / 1000 - unixSeconds)));
}

/** span renders a number of seconds as kubectl shows durations: 90s, 3m12s, 5h4m, 2d3h. */
export function span(seconds: number): string {
  let s = Math.floor(seconds);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  s %= 60;
  if (m < 10) return s ? `${m}m${s}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 2) return `${h}h`;
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y${d % 365 ? `${d % 365}d` : ''}`;
}

const GO_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };

/**
 * shortDuration renders a Go duration ("1m30s", "2h0m0s") the kubectl way
 * ("90s", "2h"); under a second, or not a duration, it is shown as sent.
 */
export function shortDuration(text: string): string {
  const m = /^(-?)((?:\d+(?:\.\d*)?(?:h|m|s|ms|us|µs|ns))+)$/.exec(text);
  if (!m) return text;
  let seconds = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d*)?)(h|ms|m|s|us|µs|ns)/g)) seconds += Number(part[1]) * GO_UNITS[part[2]!]!;
  if (m[1] || seconds < 1) return text;
  return span(seconds);
}

// Formatters made once: toLocaleString and its kin build a new one per call,
// a fraction of a millisecond each, several times in every render of the
// page (counts in the navigation, the title and the status bar).
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const numbers = new Intl.NumberFormat();

/** clock formats Unix milliseconds as a local time of day. */
export function clock(ms: number): string {
  return timeOfDay.format(ms);
}

/** dateAndTime formats Unix milliseconds as a local date and time. */
export function dateAndTime(ms: number): string {
  return dateTime.format(ms);
}

/** count formats a number with the locale's digit grouping (50,000). */
export function count(n: number): string {
  return numbers.format(n);
}

/** useNow re-renders its caller every period so ages tick without new data. */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}
