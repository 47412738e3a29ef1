// Search of a log view, answered by Go (logSearch, logFilterLines): the page
// keeps the matching sequence numbers (at most MAX_MATCHES) or, in filter
// mode, the last MAX_FILTERED matching lines, and scans on from where it
// stopped as new lines arrive. Highlighting within a line is computed here,
// on the line's text, with the same query.
import { errorMessage, type LogMatches, type LogQuery, type LogWindow } from '../api';

export const MAX_MATCHES = 10_000;
export const MAX_FILTERED = 5_000;
const SCAN = 1_000;

type Line = LogWindow['lines'][number];

export interface SearchSource {
  search: (id: string, q: LogQuery, from: number, limit: number, backward: boolean) => Promise<LogMatches>;
  filter: (id: string, q: LogQuery, from: number, limit: number) => Promise<LogWindow>;
}

/** compile turns a query into a JS RegExp for highlighting (null when empty or invalid). */
export function compile(q: LogQuery): RegExp | null {
  if (q.text === '') return null;
  const flags = q.caseSensitive ? 'g' : 'gi';
  try {
    return new RegExp(q.regexp ? q.text : q.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
  } catch {
    return null;
  }
}

/** ranges are the [start, end) of each match of re in text (empty matches skipped). */
export function ranges(text: string, re: RegExp | null): [number, number][] {
  if (!re) return [];
  const out: [number, number][] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && out.length < 200) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/**
 * Scanner is what Matches and Filtered share: one request at a time, on
 * from where the last one stopped, once more when asked meanwhile, nothing
 * after dispose.
 */
abstract class Scanner<R> {
  scanning = false;
  error: string | null = null;
  protected from: number;
  private again = false;
  protected dead = false;

  constructor(
    protected readonly source: SearchSource,
    protected readonly id: string,
    readonly query: LogQuery,
    first: number,
    protected readonly changed: () => void,
  ) {
    this.from = first;
  }

  /** fetch asks Go for what lies from seq from on. */
  protected abstract fetch(from: number): Promise<R>;
  /** take keeps what r found; it says where the next scan starts, whether it goes on by itself, and up to where. */
  protected abstract take(r: R, from: number, next: number): { from: number; more: boolean; next: number };

  protected stopped(): boolean {
    return this.dead;
  }

  /** scan looks on from where the last scan stopped, up to next (the view's next seq). */
  scan(next: number) {
    if (this.stopped()) return;
    if (this.scanning) {
      this.again = true;
      return;
    }
    if (this.from >= next) return;
    this.scanning = true;
    const from = this.from;
    this.fetch(from).then(
      (r) => {
        if (this.dead) return;
        const t = this.take(r, from, next);
        this.from = t.from;
        this.scanning = false;
        this.error = null;
        this.changed();
        if (t.more || this.again) {
          this.again = false;
          this.scan(t.next);
        }
      },
      (e: unknown) => {
        if (this.dead) return;
        this.scanning = false;
        this.error = errorMessage(e);
        this.changed();
      },
    );
  }

  dispose() {
    this.dead = true;
  }
}

/**
 * Matches scans a log view for a query and keeps the matching seqs, in
 * order. current is the match the viewer shows; step moves it.
 */
export class Matches extends Scanner<LogMatches> {
  seqs: number[] = [];
  /** More matches than kept. */
  capped = false;
  current = -1;

  protected override stopped(): boolean {
    return this.dead || this.capped;
  }

  protected fetch(from: number): Promise<LogMatches> {
    return this.source.search(this.id, this.query, from, SCAN, false);
  }

  protected take(m: LogMatches, from: number, next: number) {
    const last = this.seqs[this.seqs.length - 1] ?? 0;
    for (const s of m.seqs ?? []) {
      if (s <= last) continue;
      if (this.seqs.length >= MAX_MATCHES) {
        this.capped = true;
        break;
      }
      this.seqs.push(s);
    }
    const at = m.next > 0 ? m.next : Math.max(from, next);
    return { from: at, more: m.next > 0, next: Math.max(next, at + 1) };
  }

  /** forget drops matches that fell out of the ring (before first). */
  forget(first: number) {
    let n = 0;
    while (n < this.seqs.length && (this.seqs[n] ?? 0) < first) n++;
    if (n === 0) return;
    this.seqs.splice(0, n);
    this.current = this.current < n ? (this.seqs.length ? 0 : -1) : this.current - n;
    if (this.from < first) this.from = first;
  }

  /**
   * step moves to the next (+1) or previous (-1) match from seq at (the
   * current match, else the line on screen), wrapping around; it returns
   * the seq to show, or 0 when there is none.
   */
  step(dir: 1 | -1, at: number): number {
    const n = this.seqs.length;
    if (n === 0) return 0;
    const ref = (this.current >= 0 ? this.seqs[this.current] : undefined) ?? at;
    let i: number;
    if (dir > 0) {
      i = this.seqs.findIndex((s) => s > ref);
      if (i < 0) i = 0;
    } else {
      i = -1;
      for (let k = n - 1; k >= 0; k--) {
        if ((this.seqs[k] ?? 0) < ref) {
          i = k;
          break;
        }
      }
      if (i < 0) i = n - 1;
    }
    this.current = i;
    this.changed();
    return this.seqs[i] ?? 0;
  }
}

/**
 * Filtered holds the lines matching a query (the last MAX_FILTERED of them)
 * for filter mode, read with logFilterLines and continued from where the
 * scan stopped as the log grows.
 */
export class Filtered extends Scanner<LogWindow> {
  lines: Line[] = [];
  /** Earlier matches were let go to keep MAX_FILTERED. */
  trimmed = 0;

  protected fetch(from: number): Promise<LogWindow> {
    return this.source.filter(this.id, this.query, from, 200);
  }

  protected take(w: LogWindow, from: number, next: number) {
    const last = this.lines[this.lines.length - 1]?.seq ?? 0;
    for (const l of w.lines ?? []) if (l.seq > last) this.lines.push(l);
    if (this.lines.length > MAX_FILTERED) {
      const cut = this.lines.length - MAX_FILTERED;
      this.lines.splice(0, cut);
      this.trimmed += cut;
    }
    const moved = w.next > from;
    const at = moved ? w.next : Math.max(from, next);
    return { from: at, more: moved && at < next, next };
  }
}
