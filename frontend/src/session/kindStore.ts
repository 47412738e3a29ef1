// KindStore holds the kinds of the current session, as the backend lists
// them (api.kinds): what the navigation, the palette, tables and details
// know of any kind. It is asked for again only when the session's status
// says the list changed (kindsVersion) or the session changed (generation).
//
// - A new generation forgets the old session's kinds at once.
// - A list answering for another generation, or older than the one held, is
//   dropped; so is an answer to a request made before the last reset.
// - A kind whose description did not change keeps its object, so whatever
//   derives from it (the table's columns) is not worked out again.
// - A kind listed earlier in the session and missing from a newer list, or
//   whose view said it was removed (markRemoved), is gone: kept with its
//   description so the page can say what was removed, until it is listed
//   again (its CRD created anew).
import type { KindInfo, KindList } from '../api';
import { errorMessage } from '../api';

export interface Kinds {
  generation: number;
  /** The version of the list held (KindList.version); 0 before one arrived. */
  version: number;
  /** The kinds in display order. */
  list: KindInfo[];
  byId: ReadonlyMap<string, KindInfo>;
  /** Kinds this session listed that are no longer served. */
  gone: ReadonlyMap<string, KindInfo>;
  /** A list of this generation has arrived. */
  loaded: boolean;
  /** The last request failed, and why. */
  error: string | null;
}

const empty = (generation: number): Kinds => ({
  generation, version: 0, list: [], byId: new Map(), gone: new Map(), loaded: false, error: null,
});

const sameKind = (a: KindInfo, b: KindInfo) => JSON.stringify(a) === JSON.stringify(b);

export class KindStore {
  private snap: Kinds = empty(0);
  /** Requests since the last reset; an answer to an older one is dropped. */
  private epoch = 0;
  private inFlight = false;
  /** The status's kindsVersion the last request was made for. */
  private asked = -1;
  private listeners = new Set<() => void>();

  constructor(private readonly fetch: () => Promise<KindList>) {}

  /**
   * want makes sure the kinds of generation at least at version (the
   * session status's kindsVersion) are, or are being, fetched. A request
   * that failed is made again by the next call, never by itself.
   */
  want(generation: number, version: number): void {
    if (generation !== this.snap.generation) {
      this.epoch++;
      this.inFlight = false;
      this.asked = -1;
      this.set(empty(generation));
    }
    if (this.inFlight && version <= this.asked) return;
    if (this.snap.loaded && version <= this.snap.version && this.snap.error === null) return;
    const epoch = ++this.epoch;
    this.inFlight = true;
    this.asked = version;
    this.fetch().then(
      (l) => {
        if (epoch !== this.epoch) return;
        this.inFlight = false;
        this.apply(l);
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.inFlight = false;
        this.set({ ...this.snap, error: errorMessage(e) });
      },
    );
  }

  /** markRemoved records that a kind is no longer served, as its view said, before the next list says so too. */
  markRemoved(id: string): void {
    const k = this.snap.byId.get(id);
    if (!k) return;
    const byId = new Map(this.snap.byId);
    byId.delete(id);
    const gone = new Map(this.snap.gone).set(id, k);
    this.set({ ...this.snap, list: this.snap.list.filter((x) => x.id !== id), byId, gone });
  }

  get = (): Kinds => this.snap;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private apply(l: KindList): void {
    const old = this.snap;
    if (l.generation !== old.generation || (old.loaded && l.version < old.version)) return;
    const list = (l.kinds ?? []).map((k) => {
      const was = old.byId.get(k.id);
      return was && sameKind(was, k) ? was : k;
    });
    const byId = new Map(list.map((k) => [k.id, k]));
    const gone = new Map(old.gone);
    for (const [id, k] of old.byId) if (!byId.has(id)) gone.set(id, k);
    for (const id of byId.keys()) gone.delete(id);
    this.set({ generation: l.generation, version: l.version, list, byId, gone, loaded: true, error: null });
  }

  private set(s: Kinds): void {
    this.snap = s;
    for (const fn of this.listeners) fn();
  }
}
