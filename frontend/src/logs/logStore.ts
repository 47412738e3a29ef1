// LogStore holds what the page knows of one log view in Go: its status and
// the lines around the viewport, never the whole log.
//
// - Lines are numbered by the backend from 1 and never renumbered; the ring
//   keeps first..next-1. Row i of the viewer is line first+i.
// - setRange(from, to) says which lines are on screen (plus a margin). The
//   store asks for the missing ones with logLines, at most maxInFlight
//   requests at once, and forgets lines further than `keep` from the range,
//   so its memory follows the viewport, not the log.
// - A window may hold fewer lines than asked (the backend caps it at ~64 KB):
//   the rest is asked for from where it stopped.
// - notice(n) applies a logs:changed notice: next and dropped move, lines
//   that fell out of the ring are forgotten, and a range at the end moves
//   with it (the new lines are asked for at once). The status (the sources'
//   states) is read again with logStatus when the notice's statusVersion is
//   not the one last read; a backend without it rejects once and is not
//   asked again.
// - follow(rows) (rows > 0) is the view pinned to the end: a notice asks
//   for the last rows lines with logTail (one request at a time, once more
//   if notices came meanwhile) and changes nothing the page shows; the
//   answer moves first, next, dropped and the lines together, so the page
//   draws each step once, with its lines, never rows waiting for them.
// - Anything naming another view id or generation, or answering a request
//   made before the last attach, is dropped.
// Read through useSyncExternalStore: subscribe and revision.
import type { LogNotice, LogStatus, LogWindow } from '../api';
import type { Cost } from '../table/windowCache';

export interface LogSource {
  lines: (id: string, from: number, limit: number) => Promise<LogWindow>;
  tail: (id: string, limit: number) => Promise<LogWindow>;
  status: (id: string) => Promise<LogStatus>;
}

export interface LogStoreOptions {
  source: LogSource;
  /** Lines per request (the backend may answer fewer). */
  pageSize?: number;
  maxInFlight?: number;
  /** Lines kept beyond each edge of the range before they are forgotten. */
  keep?: number;
  /** Called with the script time a notice and the windows it asked for cost (perf.ts). */
  onCost?: Cost;
}

type Line = LogWindow['lines'][number];

export class LogStore {
  id = '';
  generation = 0;
  version = 0;
  first = 1;
  next = 1;
  dropped = 0;
  status: LogStatus | null = null;
  error: string | null = null;
  /** The first lines have arrived since attach (or the view is empty). */
  loaded = false;

  private readonly source: LogSource;
  private readonly pageSize: number;
  private readonly maxInFlight: number;
  private readonly keep: number;
  private lines = new Map<number, Line>();
  /** [from, to] of requests in flight. */
  private inFlight: [number, number][] = [];
  private from = 1;
  private to = 0;
  private epoch = 0;
  private revision = 0;
  private statusBusy = false;
  private statusAgain = false;
  private statusUnsupported = false;
  /** The statusVersion of the status last asked for (-1: none). */
  private statusAsked = -1;
  /** Rows followed at the end (0: not following). */
  private followRows = 0;
  private tailBusy = false;
  private tailAgain = false;
  private failedAt = -1;
  private listeners = new Set<() => void>();
  private readonly onCost: Cost | undefined;

  constructor(o: LogStoreOptions) {
    this.source = o.source;
    this.onCost = o.onCost;
    this.pageSize = o.pageSize ?? 200;
    this.maxInFlight = o.maxInFlight ?? 2;
    this.keep = o.keep ?? 300;
  }

  /** count is how many lines the ring keeps: rows of the viewer. */
  get count(): number {
    return Math.max(0, this.next - this.first);
  }

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getRevision = (): number => this.revision;

  /** line is line seq if the store holds it. */
  line(seq: number): Line | undefined {
    return this.lines.get(seq);
  }

  /** attach starts following the view openLogs answered; everything known before is forgotten. */
  attach(st: LogStatus) {
    this.epoch++;
    this.id = st.id;
    this.generation = st.generation;
    this.version = st.version;
    this.first = Math.max(1, st.first);
    this.next = Math.max(this.first, st.next);
    this.dropped = st.dropped;
    this.status = st;
    this.statusAsked = st.statusVersion ?? -1;
    this.error = null;
    this.loaded = this.count === 0;
    this.lines.clear();
    this.inFlight = [];
    this.tailBusy = this.tailAgain = false;
    this.failedAt = -1;
    this.changed();
    this.pump();
    if (this.followRows > 0) this.pullTail();
  }

  /** detach forgets the view: answers still on their way are dropped. */
  detach() {
    this.epoch++;
    this.id = '';
    this.lines.clear();
    this.inFlight = [];
    this.tailBusy = this.tailAgain = false;
    this.status = null;
    this.changed();
  }

  /** setRange says lines from..to (seqs) are wanted: the store fetches the missing ones and forgets those far away. */
  setRange(from: number, to: number) {
    if (from === this.from && to === this.to) return;
    this.from = from;
    this.to = to;
    this.forgetFar();
    this.pump();
  }

  /** forgetFar drops the lines further than keep from the range, and those out of the ring. */
  private forgetFar() {
    const lo = this.from - this.keep;
    const hi = this.to + this.keep;
    for (const seq of this.lines.keys()) if (seq < lo || seq > hi || seq < this.first) this.lines.delete(seq);
  }

  /** follow pins the store to the last rows lines (see above); 0 stops. */
  follow(rows: number) {
    const was = this.followRows;
    this.followRows = Math.max(0, rows);
    if (this.followRows > 0 && was === 0) this.pullTail();
  }

  /** notice applies a logs:changed notice of this view. */
  notice(n: LogNotice) {
    if (n.id !== this.id || n.generation !== this.generation) return;
    if (n.version < this.version) return;
    const t0 = this.onCost ? performance.now() : 0;
    this.version = n.version;
    if (n.statusVersion === undefined || n.statusVersion !== this.statusAsked) this.refreshStatus(n.statusVersion);
    if (this.followRows > 0) {
      if (n.next > this.next || n.dropped > this.dropped) this.pullTail();
      if (this.onCost) this.costAfter('notice', t0, n.version);
      return;
    }
    // A range that reached the end follows it: the new lines are asked for
    // now, not after the viewer has scrolled to them.
    if (n.next > this.next && this.to >= this.next - 1 && this.to >= this.from) {
      const shift = n.next - this.next;
      this.from += shift;
      this.to += shift;
    }
    this.next = Math.max(this.next, n.next);
    this.dropped = Math.max(this.dropped, n.dropped);
    this.setFirst(Math.max(this.first, n.dropped + 1));
    this.changed();
    this.pump();
    if (this.onCost) this.costAfter('notice', t0, n.version);
  }

  /**
   * pullTail asks for the last followRows lines; their answer moves the
   * range, the bounds and the lines at once (follow).
   */
  private pullTail() {
    if (!this.id || this.failedAt === this.version) return;
    if (this.tailBusy) {
      this.tailAgain = true;
      return;
    }
    this.tailBusy = true;
    const epoch = this.epoch;
    const askedAt = this.version;
    this.source
      .tail(this.id, this.followRows)
      .then(
        (w) => {
          if (epoch !== this.epoch || w.id !== this.id || w.generation !== this.generation) return;
          const t0 = this.onCost ? performance.now() : 0;
          if (this.followRows > 0) {
            const next = Math.max(this.next, w.next);
            this.to = next - 1;
            this.from = Math.max(1, next - this.followRows);
          }
          this.landTail(w);
          if (this.onCost) this.costAfter('window', t0, askedAt);
        },
        (e: unknown) => {
          if (epoch === this.epoch) this.fail(e);
        },
      )
      .finally(() => {
        if (epoch !== this.epoch) return;
        this.tailBusy = false;
        if (this.tailAgain) {
          this.tailAgain = false;
          if (this.followRows > 0) this.pullTail();
        }
      });
  }

  /** tail reads the last limit lines at once (opening, jumping to the latest). */
  tail(limit: number) {
    if (!this.id) return;
    const epoch = this.epoch;
    this.source.tail(this.id, limit).then(
      (w) => {
        if (epoch === this.epoch) this.landTail(w);
      },
      (e: unknown) => {
        if (epoch === this.epoch) this.fail(e);
      },
    );
  }

  /** landTail applies a tail's answer: its lines, the bounds and what fell out. */
  private landTail(w: LogWindow) {
    this.apply(w);
    this.dropped = Math.max(this.dropped, this.first - 1);
    this.forgetFar();
    this.loaded = true;
    this.changed();
    this.pump();
  }

  private setFirst(first: number) {
    if (first <= this.first) return;
    this.first = first;
    if (this.next < first) this.next = first;
    for (const seq of this.lines.keys()) if (seq < first) this.lines.delete(seq);
  }

  private apply(w: LogWindow) {
    if (w.id !== this.id || w.generation !== this.generation) return;
    if (w.version > this.version) this.version = w.version;
    this.next = Math.max(this.next, w.next);
    this.setFirst(w.first);
    const lo = this.from - this.keep;
    const hi = this.to + this.keep;
    for (const l of w.lines ?? []) if (l.seq >= this.first && l.seq >= lo && l.seq <= hi) this.lines.set(l.seq, l);
  }

  private covered(seq: number): boolean {
    if (this.lines.has(seq)) return true;
    for (const [a, b] of this.inFlight) if (seq >= a && seq <= b) return true;
    return false;
  }

  /** pump asks for the first missing lines of the range while request slots are free. */
  private pump() {
    if (!this.id || this.failedAt === this.version) return;
    const end = Math.min(this.to, this.next - 1);
    let seq = Math.max(this.from, this.first);
    while (this.inFlight.length < this.maxInFlight && seq <= end) {
      while (seq <= end && this.covered(seq)) seq++;
      if (seq > end) break;
      let last = seq;
      while (last < end && last - seq + 1 < this.pageSize && !this.covered(last + 1)) last++;
      this.request(seq, last);
      seq = last + 1;
    }
  }

  private request(from: number, to: number) {
    const req: [number, number] = [from, to];
    this.inFlight.push(req);
    const epoch = this.epoch;
    const askedAt = this.version;
    this.source.lines(this.id, from, to - from + 1).then(
      (w) => {
        if (epoch !== this.epoch) return;
        const t0 = this.onCost ? performance.now() : 0;
        this.inFlight = this.inFlight.filter((r) => r !== req);
        const bounds = [this.first, this.next];
        this.apply(w);
        const wasLoaded = this.loaded;
        this.loaded = true;
        // A foreign answer, or no line where the log has some: stop asking
        // until the log moves.
        const foreign = w.id !== this.id || w.generation !== this.generation;
        if (foreign || ((w.lines ?? []).length === 0 && from >= this.first && from < this.next)) this.failedAt = this.version;
        // An answer the range has moved past (a fast scroll) draws nothing.
        const drawn = (w.lines ?? []).some((l) => l.seq >= this.from && l.seq <= this.to);
        if (drawn || !wasLoaded || this.failedAt === this.version || bounds[0] !== this.first || bounds[1] !== this.next) this.changed();
        this.pump();
        if (this.onCost) this.costAfter('window', t0, askedAt);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight = this.inFlight.filter((r) => r !== req);
        this.fail(e);
      },
    );
  }

  /**
   * costAfter reports the script time from t0 to the end of the current
   * task's microtasks, where React renders what changed() scheduled.
   */
  private costAfter(what: 'notice' | 'window', t0: number, version: number) {
    const report = this.onCost!;
    queueMicrotask(() => report(what, performance.now() - t0, version));
  }

  private fail(e: unknown) {
    this.error = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    this.failedAt = this.version;
    this.changed();
  }

  private refreshStatus(version?: number) {
    if (this.statusUnsupported || !this.id) return;
    if (version !== undefined) this.statusAsked = version;
    if (this.statusBusy) {
      this.statusAgain = true;
      return;
    }
    this.statusBusy = true;
    const epoch = this.epoch;
    this.source.status(this.id).then(
      (st) => {
        if (epoch !== this.epoch || st.id !== this.id || st.generation !== this.generation) return;
        this.status = st;
        // Following, the bounds move with the lines (pullTail), not here.
        if (this.followRows > 0) {
          if (st.next > this.next) this.pullTail();
        } else {
          this.dropped = Math.max(this.dropped, st.dropped);
          this.next = Math.max(this.next, st.next);
          this.setFirst(st.first);
        }
        this.changed();
      },
      () => {
        this.statusUnsupported = true;
      },
    ).finally(() => {
      this.statusBusy = false;
      if (this.statusAgain && epoch === this.epoch) {
        this.statusAgain = false;
        this.refreshStatus();
      }
    });
  }

  private changed() {
    this.revision++;
    for (const l of this.listeners) l();
  }
}
