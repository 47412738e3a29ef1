// WindowCache holds what the UI knows of one backend view: its row count and
// the pages of rows it has fetched around the viewport, never the whole list.
//
// - setRange(start, end) says which rows are on screen; the cache fetches the
//   pages covering them plus a little prefetch, nearest first.
// - notice(n) applies a view:changed notice: the count changes at once, the
//   pages on screen are refetched (shown as they were until the new rows
//   land), pages off screen that are now out of date are dropped.
// - At most maxInFlight requests run at once and a page is never requested
//   twice concurrently. Pages are chosen when a slot frees, from the range
//   the user is looking at then, so scrolling fast through 50,000 rows asks
//   only for where the scroll ends, not for every page it passed.
// - Anything naming another generation or view id, or answering a request
//   made before the last attach/detach, is dropped.
import type { Row, ViewInfo, ViewNotice, Window } from '../api';

export type FetchWindow = (viewId: string, offset: number, limit: number) => Promise<Window>;

export interface WindowCacheOptions {
  fetch: FetchWindow;
  /** Rows per request; the backend answers at most 100. */
  pageSize?: number;
  maxInFlight?: number;
  /** Rows fetched beyond each edge of the visible range. */
  prefetch?: number;
  /** Pages kept beyond the prefetch before they are dropped. */
  keepPages?: number;
}

interface Page {
  rows: Row[];
  version: number;
}

export class WindowCache {
  viewId = '';
  generation = 0;
  /** The newest view version known, from a notice or a window. */
  version = 0;
  count = 0;
  /** True once the first page (or an empty view) has arrived since attach. */
  loaded = false;
  error: string | null = null;

  private readonly fetchWindow: FetchWindow;
  private readonly pageSize: number;
  private readonly maxInFlight: number;
  private readonly prefetch: number;
  private readonly keepPages: number;
  private pages = new Map<number, Page>();
  /** page -> the version known when it was requested */
  private inFlight = new Map<number, number>();
  /** page -> version at which its request failed, not retried until it changes */
  private failed = new Map<number, number>();
  private start = 0;
  private end = -1;
  private epoch = 0;
  private revision = 0;
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
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.prefetch = opts.prefetch ?? 40;
    this.keepPages = opts.keepPages ?? 3;
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
    this.error = null;
    this.pages.clear();
    this.inFlight.clear();
    this.failed.clear();
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
    this.error = null;
    this.pages.clear();
    this.inFlight.clear();
    this.failed.clear();
    this.changed();
  }

  setRange(start: number, end: number): void {
    if (start === this.start && end === this.end) return;
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
    if (n.version <= this.version) return;
    this.version = n.version;
    this.setCount(n.count);
    this.failed.clear();
    this.dropOutside();
    this.pump();
    this.changed();
  }

  /** row returns the row at index, or undefined while its page is not here. */
  row(index: number): Row | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.rows[index % this.pageSize];
  }

  /** indexOf finds a key among the fetched rows, -1 if not fetched. */
  indexOf(key: string): number {
    for (const [p, page] of this.pages) {
      const i = page.rows.findIndex((r) => r.key === key);
      if (i >= 0) return p * this.pageSize + i;
    }
    return -1;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get pageCount(): number {
    return this.pages.size;
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** getRevision changes whenever anything shown changes (for useSyncExternalStore). */
  getRevision = (): number => this.revision;

  private changed(): void {
    this.revision++;
    for (const fn of this.listeners) fn();
  }

  private setCount(count: number): void {
    this.count = count;
    const last = Math.ceil(count / this.pageSize);
    for (const p of this.pages.keys()) if (p >= last) this.pages.delete(p);
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

  private isFresh(p: number): boolean {
    const page = this.pages.get(p);
    return page !== undefined && page.version >= this.version;
  }

  /** dropOutside frees pages far from the range and out-of-date pages off screen. */
  private dropOutside(): void {
    const wanted = new Set(this.wanted());
    const lo = Math.floor(Math.max(0, this.start - this.prefetch) / this.pageSize) - this.keepPages;
    const hi = Math.floor((this.end + this.prefetch) / this.pageSize) + this.keepPages;
    for (const p of [...this.pages.keys()]) {
      if (wanted.has(p)) continue;
      if (p < lo || p > hi || !this.isFresh(p)) this.pages.delete(p);
    }
  }

  private pump(): void {
    if (!this.viewId) return;
    this.dropOutside();
    for (const p of this.wanted()) {
      if (this.inFlight.size >= this.maxInFlight) break;
      if (this.inFlight.has(p) || this.isFresh(p) || this.failed.get(p) === this.version) continue;
      this.request(p);
    }
  }

  private request(p: number): void {
    const epoch = this.epoch;
    const viewId = this.viewId;
    const askedAt = this.version;
    this.inFlight.set(p, askedAt);
    this.fetchWindow(viewId, p * this.pageSize, this.pageSize).then(
      (w) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        if (w.viewId !== this.viewId || w.generation !== this.generation) {
          this.pump();
          return;
        }
        this.accept(p, w, askedAt);
        this.pump();
        this.changed();
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight.delete(p);
        this.failed.set(p, this.version);
        this.error = e instanceof Error ? e.message : String(e);
        this.changed();
      },
    );
  }

  private accept(p: number, w: Window, askedAt: number): void {
    const have = this.pages.get(p);
    if (have && have.version > w.version) return; // an older answer overtaken by a newer one
    if (w.version > this.version) {
      this.version = w.version;
      this.setCount(w.count);
    } else if (w.version === this.version) {
      this.setCount(w.count);
    }
    this.error = null;
    this.loaded = true;
    if (p * this.pageSize >= this.count) return;
    // A window is never older than the version it was asked at; counting it
    // as such stops a lagging answer from being refetched in a loop.
    this.pages.set(p, { rows: w.rows ?? [], version: Math.max(w.version, askedAt) });
  }
}
