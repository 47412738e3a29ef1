/**
 * Selection is a table's multi-selection, kept by row key (namespace/name)
 * so that it survives rows moving (a sort, a live update, a row above
 * going). It is a framework-free store read through useSyncExternalStore:
 * a change bumps one version, and only the rows whose `selected` flips
 * render again (TableRow is memoized on it).
 *
 * Ranges (shift-click, shift+arrows) are made of the rows between the
 * anchor and the target by index, as the table shows them now; keyAt
 * answers for the rows whose window is loaded, and a range takes those
 * (the window cache holds the rows around the viewport, so a range the
 * user can see is whole).
 */
export class Selection {
  private keys = new Set<string>();
  /** anchor is where a range starts: the last row clicked or toggled. */
  private anchor = -1;
  /** focus is the far end of a keyboard range. */
  private focus = -1;
  private version = 0;
  private listeners = new Set<() => void>();

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  getVersion = (): number => this.version;

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** selected is the selected keys in the order they were selected. */
  selected(): string[] {
    return [...this.keys];
  }

  private changed() {
    this.version++;
    for (const l of this.listeners) l();
  }

  /** only selects the one row (a plain click, an arrow key). */
  only(index: number, key: string) {
    if (this.keys.size === 1 && this.keys.has(key) && this.anchor === index) return;
    this.keys = new Set([key]);
    this.anchor = this.focus = index;
    this.changed();
  }

  /** toggle adds or removes one row (ctrl/cmd-click) and makes it the anchor. */
  toggle(index: number, key: string) {
    if (this.keys.has(key)) this.keys.delete(key);
    else this.keys.add(key);
    this.anchor = this.focus = index;
    this.changed();
  }

  /** range selects the rows from the anchor to index (shift-click); without an anchor, the row alone. */
  range(index: number, keyAt: (i: number) => string | undefined) {
    if (this.anchor < 0) {
      const k = keyAt(index);
      if (k) this.only(index, k);
      return;
    }
    this.focus = index;
    this.keys = this.between(this.anchor, index, keyAt);
    this.changed();
  }

  /**
   * extend moves the far end of the range by delta rows (shift+arrows),
   * clamped to [0, count); it returns the new far end.
   */
  extend(delta: number, count: number, keyAt: (i: number) => string | undefined): number {
    if (count === 0) return -1;
    if (this.anchor < 0) return -1;
    const from = this.focus >= 0 ? this.focus : this.anchor;
    const to = Math.max(0, Math.min(count - 1, from + delta));
    this.focus = to;
    this.keys = this.between(this.anchor, to, keyAt);
    this.changed();
    return to;
  }

  /** clear selects nothing. */
  clear() {
    if (this.keys.size === 0 && this.anchor < 0) return;
    this.keys = new Set();
    this.anchor = this.focus = -1;
    this.changed();
  }

  /** retain keeps only the keys still shown (after a kind or namespace change). */
  retain(keep: (key: string) => boolean) {
    let dropped = false;
    for (const k of this.keys) {
      if (!keep(k)) {
        this.keys.delete(k);
        dropped = true;
      }
    }
    if (dropped) this.changed();
  }

  private between(a: number, b: number, keyAt: (i: number) => string | undefined): Set<string> {
    const out = new Set<string>();
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    for (let i = lo; i <= hi; i++) {
      const k = keyAt(i);
      if (k) out.add(k);
    }
    return out;
  }
}

/** splitKey turns a row key back into its namespace and name ("ns/name", or "name" for cluster-scoped kinds). */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
