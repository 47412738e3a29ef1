// WindowCache holds what the UI knows of one backend view: its row count and
// the rows it has fetched around the viewport, never the whole list.
//
// - setRange(start, end) says which rows are on screen. While the view moves
//   slowly (a wheel, the keyboard) the cache fetches the pages covering them
//   plus a little prefetch, nearest first. While it moves faster than a
//   round trip's prefetch can follow (a dragged scrollbar), it measures the
//   scroll's speed and the round trip, and keeps the path ahead covered
//   from where the view will be when an answer can be shown: windows that
//   chain along it in the direction of motion, each row asked for once
//   (rows a notice left a version old count as there until it stops).
// - notice(n) applies a view:changed notice: the count changes at once, the
//   rows on screen are refetched (shown as they were until the new rows
//   land), rows off screen that are now out of date are dropped.
// - At most maxInFlight requests run at once and a page is never requested
//   twice concurrently. Requests are chosen when a slot frees, from the range
//   the user is looking at then (or will be, while moving fast), so scrolling
//   through 50,000 rows never asks for every page it passes.
// - A view whose kind is no longer served (its CRD was deleted) says so in
//   its info or a notice: the cache forgets its rows, is marked removed and
//   asks for nothing more.
// - A row's object is kept when a refetch brings it back unchanged, so
//   whatever renders rows can skip the ones that did not change.
// - Anything naming another generation or view id, or answering a request
//   made before the last attach/detach, is dropped.
import type { Row, ViewInfo, ViewNotice, Window } from '../api';
import { sameRow } from './sameRow';

export type FetchWindow = (viewId: string, offset: number, limit: number) => Promise<Window>;

export interface WindowCacheOptions {
  fetch: FetchWindow;
  /** Rows per page: what a request asks for while the view moves slowly. */
  pageSize?: number;
  /** Rows a window asked for ahead of a fast scroll may have (the backend's most). */
  aheadSize?: number;
  maxInFlight?: number;
  /** Rows fetched beyond each edge of the visible range. */
  prefetch?: number;
  /** Pages kept beyond the prefetch before they are dropped. */
  keepPages?: number;
  /** The clock the scroll's speed and the round trips are measured with (ms). */
  now?: () => number;
  /** Called with the time a notice cost and the view version it was for (perf.ts). */
  onCost?: Cost;
}

/** Cost reports script time spent for a view version, and on what. */
export type Cost = (what: 'notice' | 'window', ms: number, version: number) => void;

interface Entry {
  row: Row;
  /** The view version the row is known to be current at. */
  version: number;
}

interface Request {
  offset: number;
  limit: number;
  /** The version known when it was asked. */
  askedAt: number;
  sentAt: number;
  /** Asked for rows ahead of a fast scroll, not for a page. */
  ahead: boolean;
  /** Asked because of a notice (its script time is the notice's). */
  onNotice: boolean;
}

/** A speed is measured over at least this long... */
const MIN_SAMPLE_MS = 8;
/** ...and over the samples of this long at most. */
const SPEED_WINDOW_MS = 200;
/** A scroll not moved for this long has stopped. */
const STILL_MS = 120;
/** The frame the ahead window aims past the round trip. */
const FRAME_MS = 16;
/**
 * The least time past the round trip a fast scroll's path is kept covered
 * for: a frame the machine delays (a collection, another process taking
 * the core) moves the view that much further at once. Rows asked for
 * early cost nothing more: windows chain, each row is asked for once.
 */
const AHEAD_MS = 120;

export class WindowCache {
  viewId = '';
  generation = 0;
  /** The newest view version known, from a notice or a window. */
  version = 0;
  count = 0;
  /** True once the first page (or an empty view) has arrived since attach. */
  loaded = false;
  error: string | null = null;
  /** The view's kind is no longer served: nothing more is fetched. */
  removed = false;

  private readonly fetchWindow: FetchWindow;
  private readonly pageSize: number;
  private readonly aheadSize: number;
  private readonly maxInFlight: number;
  private readonly prefetch: number;
  private readonly keepPages: number;
  private readonly now: () => number;
  private readonly onCost: Cost | undefined;
  private rows = new Map<number, Entry>();
  private inFlight = new Set<Request>();
  /** page -> version at which its request failed, not retried until it changes */
  private failed = new Map<number, number>();
  /** The version at which a window ahead failed: none asked until it changes. */
  private aheadFailed = -1;
  private start = 0;
  private end = -1;
  private epoch = 0;
  private revision = 0;
  /** The scroll's speed in rows per ms (signed), see moved. */
  private velocity = 0;
  private samples: { at: number; start: number }[] = [];
  private movedAt = -Infinity;
  /** Round-trip time of a window, smoothed (ms). */
  private roundTrip = 40;
  /** How far round trips stray from roundTrip, smoothed (ms). */
  private roundTripVar = 20;
  private settle: ReturnType<typeof setTimeout> | undefined;
  /**
   * Notices for views not attached yet. A notice can overtake the OpenView
   * answer that names its view; kept (the newest per view, a few views) so
   * attach does not start from an already outdated count.
   */
  private early = new Map<string, ViewNotice>();
  private listeners = new Set<() => void>();

  constructor(opts: WindowCacheOptions) {
    this.fetchWindow = opts.fetch;
    this.pageSize = opts.pageSize ?? 100;
    this.aheadSize = opts.aheadSize ?? opts.pageSize ?? 100;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.prefetch = opts.prefetch ?? 40;
    this.keepPages = opts.keepPages ?? 3;
    this.now = opts.now ?? (() => performance.now());
    this.onCost = opts.onCost;
  }

  /** attach starts over for a view just opened or updated (new sort, filter...). */
  attach(info: ViewInfo): void {
    this.epoch++;
    this.viewId = info.id;
    this.generation = info.generation;
    this.version = info.version;
    this.count = info.count;
    const early = this.early.get(info.id);
    this.early.clear();
    if (early && early.generation === info.generation && early.version > info.version) {
      this.version = early.version;
      this.count = early.count;
    }
    this.loaded = info.count === 0;
    this.removed = !!info.removed || (early?.generation === info.generation && !!early.removed);
    this.forget();
    if (this.removed) {
      this.count = 0;
      this.loaded = true;
    }
    // With no viewport known yet (an empty table until now), ask for the top
    // at once rather than after the table has rendered and measured.
    if (this.end < this.start) {
      this.start = 0;
      this.end = this.prefetch;
    }
    this.pump();
    this.changed();
  }

  /** detach forgets the view at once (context switch): no old row stays on screen. */
  detach(): void {
    this.epoch++;
    this.viewId = '';
    this.generation = 0;
    this.version = 0;
    this.count = 0;
    this.loaded = false;
    this.removed = false;
    this.forget();
    this.changed();
  }

  setRange(start: number, end: number): void {
    if (start === this.start && end === this.end) return;
    if (start !== this.start) this.moved(start);
    this.start = start;
    this.end = end;
    this.pump();
  }

  notice(n: ViewNotice): void {
    if (n.viewId !== this.viewId || n.generation !== this.generation) {
      const seen = this.early.get(n.viewId);
      if (!seen || seen.version < n.version) {
        if (this.early.size >= 8) this.early.clear();
        this.early.set(n.viewId, n);
      }
      return;
    }
    if (this.removed) return;
    if (n.removed) {
      this.epoch++;
      this.removed = true;
      this.version = Math.max(this.version, n.version);
      this.count = 0;
      this.loaded = true;
      this.forget();
      this.changed();
      return;
    }
    if (n.version <= this.version) return;
    const t0 = this.onCost ? this.now() : 0;
    this.version = n.version;
    const recount = n.count !== this.count;
    this.setCount(n.count);
    this.failed.clear();
    this.aheadFailed = -1;
    this.dropOutside();
    this.pump(true);
    // The rows drawn stay as they are until their refetch lands (dropOutside
    // keeps them): with the count unchanged, nothing on screen changed yet.
    if (recount) this.changed();
    if (this.onCost) this.costAfter('notice', t0, n.version);
  }

  /** row returns the row at index, or undefined while it is not here. */
  row(index: number): Row | undefined {
    return this.rows.get(index)?.row;
  }

  /** indexOf finds a key among the fetched rows, -1 if not fetched. */
  indexOf(key: string): number {
    for (const [i, e] of this.rows) if (e.row.key === key) return i;
    return -1;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** rowCount is how many rows the cache holds. */
  get rowCount(): number {
    return this.rows.size;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** getRevision changes whenever anything shown changes (for useSyncExternalStore). */
  getRevision = (): number => this.revision;

  /**
   * moved measures the scroll's speed over the samples of the last
   * SPEED_WINDOW_MS: frames reach here at uneven times, so the speed between
   * two of them swings by several times what it is over a few.
   */
  private moved(start: number): void {
    const t = this.now();
    if (t - this.movedAt > STILL_MS) this.samples = [];
    this.samples.push({ at: t, start });
    while (this.samples.length > 2 && t - this.samples[0]!.at > SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    if (t - first.at >= MIN_SAMPLE_MS) this.velocity = (start - first.start) / (t - first.at);
    else if (this.samples.length === 1) this.velocity = 0;
    this.movedAt = t;
  }

  private changed(): void {
    this.revision++;
    for (const fn of this.listeners) fn();
  }

  private forget(): void {
    this.error = null;
    this.rows.clear();
    this.inFlight.clear();
    this.failed.clear();
    this.aheadFailed = -1;
    this.velocity = 0;
    clearTimeout(this.settle);
    this.settle = undefined;
  }

  /**
   * costAfter reports the script time from t0 to the end of the current
   * task's microtasks, where React renders what changed() scheduled.
   */
  private costAfter(what: 'notice' | 'window', t0: number, version: number): void {
    const report = this.onCost!;
    queueMicrotask(() => report(what, this.now() - t0, version));
  }

  private setCount(count: number): void {
    this.count = count;
    for (const i of this.rows.keys()) if (i >= count) this.rows.delete(i);
  }

  /** wanted lists the pages to hold, the visible ones first, nearest first. */
  private wanted(): number[] {
    if (!this.viewId || this.count === 0 || this.end < this.start) return [];
    const lastRow = this.count - 1;
    const visFirst = Math.floor(Math.min(this.start, lastRow) / this.pageSize);
    const visLast = Math.floor(Math.min(this.end, lastRow) / this.pageSize);
    const first = Math.floor(Math.max(0, this.start - this.prefetch) / this.pageSize);
    const last = Math.floor(Math.min(lastRow, this.end + this.prefetch) / this.pageSize);
    const out: number[] = [];
    for (let p = visFirst; p <= visLast; p++) out.push(p);
    for (let p = first; p <= last; p++) if (p < visFirst || p > visLast) out.push(p);
    return out;
  }

  /** fresh says whether rows [from, to] are all here at the current version. */
  private fresh(from: number, to: number): boolean {
    for (let i = from; i <= to; i++) {
      const e = this.rows.get(i);
      if (!e || e.version < this.version) return false;
    }
    return true;
  }

  private pageFresh(p: number): boolean {
    return this.fresh(p * this.pageSize, Math.min(this.count, (p + 1) * this.pageSize) - 1);
  }

  /** asked says whether a request in flight covers rows [from, to]. */
  private asked(from: number, to: number): boolean {
    for (const r of this.inFlight) if (r.offset <= from && r.offset + r.limit > to) return true;
    return false;
  }

  /**
   * lead is how many rows the scroll moves (signed) until an answer to a
   * request sent now is on screen, or 0 while the prefetch keeps up.
   */
  private lead(): number {
    if (this.velocity === 0 || this.now() - this.movedAt > STILL_MS) return 0;
    const rows = this.velocity * (this.roundTrip + FRAME_MS / 2);
    return Math.abs(rows) > this.prefetch ? rows : 0;
  }

  /** dropOutside frees rows far from the range and out-of-date rows off screen (see below). */
  private dropOutside(): void {
    const lead = this.lead();
    const keep = this.prefetch + this.keepPages * this.pageSize;
    const ahead = lead === 0 ? 0 : this.reach(lead);
    const lo = this.start - keep - (lead < 0 ? ahead : 0);
    const hi = this.end + keep + (lead > 0 ? ahead : 0);
    const wlo = Math.floor(Math.max(0, this.start - this.prefetch) / this.pageSize) * this.pageSize;
    const whi = (Math.floor((this.end + this.prefetch) / this.pageSize) + 1) * this.pageSize;
    for (const [i, e] of this.rows) {
      if (i >= wlo && i < whi) continue;
      // Out-of-date rows ahead of a fast scroll stay until their refetch:
      // a row a version old shows for a frame where a blank one would.
      if (i < lo || i > hi || (e.version < this.version && lead === 0)) this.rows.delete(i);
    }
  }

  private pump(onNotice = false): void {
    if (!this.viewId || this.removed) return;
    this.dropOutside();
    const lead = this.lead();
    if (lead !== 0) {
      this.askAhead(lead, onNotice);
      // Nothing else calls pump when the scroll stops with every slot idle.
      clearTimeout(this.settle);
      this.settle = setTimeout(() => {
        this.settle = undefined;
        this.pump();
      }, STILL_MS + 10);
      return;
    }
    for (const p of this.wanted()) {
      if (this.inFlight.size >= this.maxInFlight) break;
      const from = p * this.pageSize;
      if (this.pageFresh(p) || this.failed.get(p) === this.version) continue;
      if (this.asked(from, Math.min(this.count, from + this.pageSize) - 1)) continue;
      this.request(from, this.pageSize, false, onNotice);
    }
  }

  /**
   * reach is how far from the view's trailing edge a fast scroll's path is
   * kept covered: where the view will be after a slow round trip (the
   * smoothed one and twice its spread, two frames at least) and AHEAD_MS.
   */
  private reach(lead: number): number {
    const span = this.end - this.start + 1;
    return Math.abs(lead) + span + Math.abs(this.velocity) * (Math.max(2 * FRAME_MS, 2 * this.roundTripVar) + AHEAD_MS);
  }

  /**
   * askAhead keeps the path of a fast scroll covered: when a row within
   * reach is neither here nor asked for, it asks for the rows missing from
   * there on in the direction of motion, up to the largest window the
   * backend gives (but not from behind where the view will be when the
   * answer lands). Windows so chain along the path, one at a time, instead
   * of each aiming at a guessed frame.
   */
  private askAhead(lead: number, onNotice: boolean): void {
    if (this.inFlight.size >= this.maxInFlight || this.aheadFailed === this.version) return;
    const span = this.end - this.start + 1;
    const up = this.velocity < 0;
    const step = up ? -1 : 1;
    const reach = this.reach(lead);
    // Looking from the view's trailing edge on, but not at rows the view
    // passes before an answer sent now can land: the first row there that
    // is neither here nor asked for. A view already in a hole is seen too,
    // and a hole already asked for past it is not asked for twice.
    const origin = up ? this.end : this.start;
    const landing = Math.round(up ? this.end + lead : this.start + lead);
    const skip = Math.max(0, up ? origin - (landing + span) : landing - span - origin);
    let first = -1;
    for (let k = skip; k <= reach; k++) {
      const i = origin + step * k;
      if (i < 0 || i >= this.count) break;
      if (!this.passable(i)) {
        first = i;
        break;
      }
    }
    if (first < 0) return;
    // As many rows as are missing from there on, up to the largest window.
    let limit = 1;
    while (limit < this.aheadSize) {
      const i = first + step * limit;
      if (i < 0 || i >= this.count || this.passable(i)) break;
      limit++;
    }
    this.request(up ? first - limit + 1 : first, limit, true, onNotice);
  }

  /**
   * passable says whether row i can be shown as a fast scroll passes it:
   * here, even a version old (refetched once the scroll stops, see pump), or
   * asked for. Under churn every notice leaves the rows ahead a version
   * old; asking for them again would send the scroll's windows after rows
   * it already has instead of the ones it lacks.
   */
  private passable(i: number): boolean {
    if (this.rows.has(i)) return true;
    for (const r of this.inFlight) if (r.offset <= i && i < r.offset + r.limit) return true;
    return false;
  }

  private request(offset: number, limit: number, ahead: boolean, onNotice: boolean): void {
    const epoch = this.epoch;
    const r: Request = { offset, limit, askedAt: this.version, sentAt: this.now(), ahead, onNotice };
    this.inFlight.add(r);
    this.fetchWindow(this.viewId, offset, limit).then(
      (w) => {
        if (epoch !== this.epoch) return;
        const t0 = this.now();
        this.inFlight.delete(r);
        const took = t0 - r.sentAt;
        this.roundTripVar = 0.75 * this.roundTripVar + 0.25 * Math.abs(took - this.roundTrip);
        this.roundTrip = 0.875 * this.roundTrip + 0.125 * took;
        if (w.viewId !== this.viewId || w.generation !== this.generation) {
          this.pump();
          return;
        }
        const shown = this.accept(r, w);
        this.pump(r.onNotice);
        // A refetch that brought every row back as it was changes nothing on screen.
        if (shown) this.changed();
        if (this.onCost && r.onNotice) this.costAfter('window', t0, r.askedAt);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(r);
        if (r.ahead) this.aheadFailed = this.version;
        else this.failed.set(Math.floor(offset / this.pageSize), this.version);
        this.error = e instanceof Error ? e.message : String(e);
        this.changed();
      },
    );
  }

  /** accept stores a window's rows; it says whether anything shown changed. */
  private accept(r: Request, w: Window): boolean {
    const before = { count: this.count, error: this.error, loaded: this.loaded };
    if (w.version > this.version) {
      this.version = w.version;
      this.setCount(w.count);
    } else if (w.version === this.version) {
      this.setCount(w.count);
    }
    this.error = null;
    this.loaded = true;
    let shown = before.count !== this.count || before.error !== null || !before.loaded;
    // A window is never older than the version it was asked at; counting it
    // as such stops a lagging answer from being refetched in a loop.
    const version = Math.max(w.version, r.askedAt);
    const rows = w.rows ?? [];
    const n = Math.min(rows.length, this.count - r.offset);
    for (let k = 0; k < n; k++) {
      const i = r.offset + k;
      const have = this.rows.get(i);
      if (have && have.version > w.version) continue; // an older answer overtaken by a newer one
      const row = rows[k]!;
      // The same row again keeps its object: what renders it can tell nothing changed.
      const same = have !== undefined && sameRow(have.row, row);
      if (!same) shown = true;
      this.rows.set(i, { row: same ? have.row : row, version });
    }
    return shown;
  }
}
