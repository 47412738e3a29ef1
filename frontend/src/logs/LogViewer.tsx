import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api, errorMessage, type Container, type DownloadProgress, type LogQuery, type LogStatus, type LogTarget } from '../api';
import { useRows } from '../table/useRows';
import { count as formatCount } from '../time';
import { textOf } from './ansi';
import { LogLine } from './LogLine';
import { LogStore } from './logStore';
import { logNoticeCost } from '../table/perf';
import { compile, Filtered, Matches, MAX_FILTERED, MAX_MATCHES, type SearchSource } from './search';

/** What a viewer shows: one object whose kind has logs. */
export interface LogSubject {
  kind: string;
  namespace: string;
  name: string;
  /** The pod's (or pod template's) containers, for the picker; read from its details when not given. */
  containers?: Container[];
}

/** Options the user picks; changing any but timestamps and wrap re-opens the view. */
export interface LogOptions {
  container: string;
  previous: boolean;
  follow: boolean;
  /** Seconds back, 0 = from the start of the tail. */
  sinceSeconds: number;
  /** Unix seconds, 0 = none (wins over sinceSeconds). */
  sinceTime: number;
  tailLines: number;
  timestamps: boolean;
  wrap: boolean;
}

export const DEFAULT_TAIL = 500;
/** The tails "Load earlier lines" steps through; -1 is the whole log. */
const TAILS = [DEFAULT_TAIL, 2_000, 10_000, 50_000, -1];
const SINCE: [string, number][] = [['All', 0], ['5m', 300], ['15m', 900], ['1h', 3600], ['6h', 21600], ['24h', 86400]];
export const ROW_HEIGHT = 20;
const OVERSCAN = 20;
/** Rows of lines that fell out of the ring kept above a paused view before they are taken away. */
const REBASE = 50_000;

export const defaultOptions = (): LogOptions => ({
  container: '', previous: false, follow: true, sinceSeconds: 0, sinceTime: 0, tailLines: DEFAULT_TAIL, timestamps: false, wrap: false,
});

/** logTarget is what openLogs is asked for with these options. */
export function logTarget(s: LogSubject, o: LogOptions): LogTarget {
  return {
    kind: s.kind, namespace: s.namespace, name: s.name, containers: o.container ? [o.container] : [], follow: o.follow,
    previous: o.previous, sinceSeconds: o.sinceTime ? 0 : o.sinceSeconds, sinceTime: o.sinceTime, tailLines: o.tailLines,
  };
}

const source = {
  lines: (id: string, from: number, limit: number) => api.logLines(id, from, limit),
  tail: (id: string, limit: number) => api.logTail(id, limit),
  status: (id: string) => api.logStatus(id),
};
const searchSource: SearchSource = {
  search: (id, q, from, limit, backward) => api.logSearch(id, q, from, limit, backward),
  filter: (id, q, from, limit) => api.logFilterLines(id, q, from, limit),
};

/**
 * LogViewer shows the logs of one object: permission first (canReadLogs),
 * then the options bar and the view, opened with openLogs and closed with
 * closeLogs when it unmounts or the options change.
 */
export function LogViewer({ subject, generation }: { subject: LogSubject; generation: number }) {
  const [opts, setOpts] = useState<LogOptions>(defaultOptions);
  const [denied, setDenied] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const { kind, namespace, name } = subject;
  useEffect(() => {
    let live = true;
    setChecked(false);
    api.canReadLogs(kind, namespace, name).then(
      (p) => {
        if (!live) return;
        setDenied(p.allowed ? null : p.reason || 'You may not read the logs of this object.');
        setChecked(true);
      },
      () => live && setChecked(true), // the open itself will say what is wrong
    );
    return () => {
      live = false;
    };
  }, [kind, namespace, name, generation]);

  const [read, setRead] = useState<Container[] | null>(null);
  useEffect(() => {
    if (subject.containers) return;
    let live = true;
    api.details(kind, namespace, name).then(
      (d) => live && setRead(d.containers ?? []),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [subject.containers, kind, namespace, name, generation]);
  const containers = subject.containers ?? read ?? [];

  if (!checked) return <p className="muted pad">Checking access…</p>;
  if (denied !== null) {
    return (
      <div className="state-panel error logs-denied" data-testid="logs-denied" role="alert">
        <h2>Cannot read these logs</h2>
        <p className="state-message">{denied}</p>
      </div>
    );
  }
  return <LogView subject={subject} containers={containers} generation={generation} opts={opts} setOpts={setOpts} />;
}

interface ViewProps {
  subject: LogSubject;
  containers: Container[];
  generation: number;
  opts: LogOptions;
  setOpts: (f: (o: LogOptions) => LogOptions) => void;
}

/** useLogView opens the view for target, keeps store attached, and closes it when target changes or on unmount. */
function useLogView(target: LogTarget, generation: number) {
  const store = useMemo(() => new LogStore({ source, onCost: logNoticeCost }), []);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(true);
  const key = JSON.stringify(target);
  useEffect(() => {
    let live = true;
    let id = '';
    setOpening(true);
    setError(null);
    store.detach();
    api.openLogs(JSON.parse(key) as LogTarget).then(
      (st: LogStatus) => {
        id = st.id;
        if (!live) {
          api.closeLogs(id).catch(() => undefined);
          return;
        }
        store.attach(st);
        setOpening(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(errorMessage(e));
        setOpening(false);
      },
    );
    return () => {
      live = false;
      store.detach();
      if (id) api.closeLogs(id).catch(() => undefined);
    };
  }, [key, generation, store]);
  useEffect(() => api.onLogsChanged((n) => store.notice(n)), [store]);
  return { store, error, opening };
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');

function LogView({ subject, containers, generation, opts, setOpts }: ViewProps) {
  const target = logTarget(subject, opts);
  const { store, error, opening } = useLogView(target, generation);
  useSyncExternalStore(store.subscribe, store.getRevision);
  const scroller = useRef<HTMLDivElement>(null);
  const block = useRef<HTMLDivElement>(null);
  const searchInput = useRef<HTMLInputElement>(null);

  // Search and filter.
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState<LogQuery>({ text: '', regexp: false, caseSensitive: false });
  const [filterMode, setFilterMode] = useState(false);
  const [, bump] = useState(0);
  const changed = useCallback(() => bump((n) => n + 1), []);
  const re = useMemo(() => compile(query), [query]);
  const badRegexp = query.regexp && query.text !== '' && re === null;
  const active = searchOpen && query.text !== '' && !badRegexp && store.id !== '';
  const matches = useMemo(
    () => (active && !filterMode ? new Matches(searchSource, store.id, query, store.first, changed) : null),
    // store.id: a re-opened view is searched anew.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [active, filterMode, query, store.id, changed],
  );
  const filtered = useMemo(
    () => (active && filterMode ? new Filtered(searchSource, store.id, query, store.first, changed) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [active, filterMode, query, store.id, changed],
  );
  useEffect(() => () => matches?.dispose(), [matches]);
  useEffect(() => () => filtered?.dispose(), [filtered]);
  useEffect(() => {
    matches?.forget(store.first);
    matches?.scan(store.next);
    filtered?.scan(store.next);
  }, [matches, filtered, store.next, store.first]);

  // JSON lines pretty-printed: one at a time, or all.
  const [prettyAll, setPrettyAll] = useState(false);
  const [pretty, setPretty] = useState<ReadonlySet<number>>(new Set());
  const toggleJson = useCallback(
    (seq: number) =>
      setPretty((s) => {
        const n = new Set(s);
        if (n.has(seq)) n.delete(seq);
        else n.add(seq);
        return n;
      }),
    [],
  );

  // Follow: stick to the bottom until the user scrolls up.
  const [paused, setPaused] = useState<number | null>(null); // store.next when paused
  const following = opts.follow && paused === null;
  const lastTop = useRef(0);
  // Extra height of the drawn rows beyond ROW_HEIGHT each (wrapped lines,
  // pretty JSON); rows of one line each need no measuring (a forced layout).
  const tall = opts.wrap || prettyAll || pretty.size > 0;
  const [extra, setExtra] = useState(0);

  // Rows: every kept line, or the filtered ones. Row i is line top + i.
  // Following (or filtered), top is the first line kept. Paused, top stays
  // where it was when the user left the end: lines that fall out of the
  // ring meanwhile become rows that say so, and nothing on screen moves
  // (no scroll position to correct on every notice), until they are
  // REBASE rows; then top and the scroll position move together, once.
  const base = useRef(store.first);
  const top = following || filtered || base.current > store.first ? store.first : base.current;
  const topRef = useRef(top);
  topRef.current = top;
  const count = filtered ? filtered.lines.length : Math.max(0, store.next - top);
  const pinned = following && !filtered;
  const rows = useRows(scroller, count, ROW_HEIGHT, 0, OVERSCAN, pinned ? extra : undefined);
  const lineAt = (i: number) => (filtered ? filtered.lines[i] : store.line(top + i));
  // The lines to read: those drawn. In a fast drag (the rows drawn change
  // entirely from one scroll step to the next) none are asked for until it
  // slows or stops: they would land after the rows had moved on, and each
  // answer would cost a render of lines no longer drawn.
  const asked = useRef(0);
  useEffect(() => {
    if (filtered) return;
    const from = top + rows.drawFirst;
    const jump = Math.abs(from - asked.current);
    asked.current = from;
    if (rows.moving && !pinned && jump > rows.capacity) return;
    store.setRange(from, top + rows.drawLast);
  }, [store, filtered, rows.drawFirst, rows.drawLast, top, rows.moving, rows.capacity, pinned]);
  // Following, the store reads the last lines itself and moves its bounds
  // with them (LogStore.follow): the rows pinned to the bottom are drawn
  // once per step, with their lines.
  const followRows = pinned ? rows.capacity - OVERSCAN : 0;
  useEffect(() => {
    store.follow(followRows);
  }, [store, followRows]);
  useEffect(() => () => store.follow(0), [store]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
      if (el.scrollTop < lastTop.current - 2 && !atBottom) setPaused((p) => p ?? store.next);
      else if (atBottom) setPaused(null);
      lastTop.current = el.scrollTop;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [store]);
  useLayoutEffect(() => {
    if (!tall) {
      if (extra !== 0) setExtra(0);
      return;
    }
    const b = block.current;
    const drawn = Math.max(0, rows.drawLast - rows.drawFirst + 1);
    const more = b ? Math.max(0, b.offsetHeight - drawn * ROW_HEIGHT) : 0;
    if (b && b.offsetHeight > 0 && more !== extra) setExtra(more);
  });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !following) return;
    // Scrolled up since the last pin, its scroll event not handled yet: that
    // pauses. Not when it sits at the bottom: fewer rows (lines fell out of
    // the ring before the notice of new ones came) made the browser clamp it.
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT / 2;
    if (el.scrollTop < lastTop.current - 2 && !atBottom) {
      setPaused((p) => p ?? store.next);
      return;
    }
    // The content's height (the browser clamps to the bottom).
    el.scrollTop = count * ROW_HEIGHT + extra;
    lastTop.current = el.scrollTop;
  }, [following, count, extra, store]);
  // Paused, rows of lines that fell out of the ring pile up above the
  // kept ones; past REBASE of them the scroll position moves up by as many
  // rows as top moves down, before the frame is painted.
  const [, redraw] = useState(0);
  useLayoutEffect(() => {
    const was = base.current;
    if (following || filtered || was > store.first) {
      base.current = store.first;
      return;
    }
    const d = store.first - was;
    if (d <= REBASE) return;
    base.current = store.first;
    const el = scroller.current;
    if (el) {
      el.scrollTop = Math.max(0, el.scrollTop - d * ROW_HEIGHT);
      lastTop.current = el.scrollTop;
    }
    rows.sync();
    redraw((n) => n + 1);
  });

  const jumpLatest = useCallback(() => {
    setPaused(null);
    // Following again, the store reads the last lines itself (follow).
    if (!filtered && !opts.follow && store.count > rows.capacity) store.tail(rows.capacity);
    const el = scroller.current;
    if (el) {
      el.scrollTop = count * ROW_HEIGHT + extra;
      lastTop.current = el.scrollTop;
    }
  }, [store, filtered, opts.follow, rows.capacity, count, extra]);
  const jumpFirst = useCallback(() => {
    const el = scroller.current;
    setPaused((p) => p ?? store.next);
    if (el) {
      // The first line kept (rows above it, if any, say they fell out).
      el.scrollTop = filtered ? 0 : Math.max(0, store.first - topRef.current) * ROW_HEIGHT;
      lastTop.current = el.scrollTop;
    }
  }, [store, filtered]);
  /** show brings line seq on screen (a search match), pausing follow. */
  const show = useCallback(
    (seq: number) => {
      if (seq <= 0) return;
      const i = filtered ? filtered.lines.findIndex((l) => l.seq === seq) : seq - topRef.current;
      if (i < 0) return;
      setPaused((p) => p ?? store.next);
      const el = scroller.current;
      if (el) {
        el.scrollTop = Math.max(0, i * ROW_HEIGHT - (el.clientHeight - ROW_HEIGHT) / 2);
        lastTop.current = el.scrollTop;
      }
    },
    [store, filtered],
  );
  const step = useCallback(
    (dir: 1 | -1) => {
      if (!matches) return;
      show(matches.step(dir, top + rows.first));
    },
    [matches, show, top, rows.first],
  );

  // Selected lines (click, shift-click) for copying.
  const [sel, setSel] = useState<{ anchor: number; from: number; to: number } | null>(null);
  const pick = useCallback(
    (seq: number, extend: boolean) =>
      setSel((s) => (extend && s ? { anchor: s.anchor, from: Math.min(s.anchor, seq), to: Math.max(s.anchor, seq) } : { anchor: seq, from: seq, to: seq })),
    [],
  );
  const [copied, setCopied] = useState<string | null>(null);
  const copy = useCallback(async () => {
    if (!sel || !store.id) return;
    const out: string[] = [];
    if (filtered) {
      for (const l of filtered.lines) if (l.seq >= sel.from && l.seq <= sel.to) out.push(textOf(l.spans));
    } else {
      let from = Math.max(sel.from, store.first);
      const to = Math.min(sel.to, from + 9_999); // at most 10,000 lines
      while (from <= to) {
        const w = await api.logLines(store.id, from, to - from + 1);
        const got = w.lines ?? [];
        if (got.length === 0) break;
        for (const l of got) if (l.seq <= to) out.push(textOf(l.spans));
        from = (got[got.length - 1]?.seq ?? to) + 1;
      }
    }
    try {
      await navigator.clipboard.writeText(out.join('\n') + '\n');
      setCopied(`Copied ${formatCount(out.length)} line${out.length === 1 ? '' : 's'}`);
    } catch (e) {
      setCopied('Copy failed: ' + errorMessage(e));
    }
  }, [sel, store, filtered]);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(t);
  }, [copied]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      e.stopPropagation();
      setSearchOpen(true);
      requestAnimationFrame(() => {
        searchInput.current?.focus();
        searchInput.current?.select();
      });
      return;
    }
    if (e.key === 'Escape' && searchOpen) {
      e.preventDefault();
      e.stopPropagation();
      setSearchOpen(false);
      setFilterMode(false);
      scroller.current?.focus();
      return;
    }
    if (isTyping(e.target)) return;
    // Arrows and pages scroll the log, not the table behind it (App's keys).
    if (['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'l'].includes(e.key)) {
      e.stopPropagation();
      return;
    }
    if (mod && e.key.toLowerCase() === 'c' && sel && !window.getSelection()?.toString()) {
      e.preventDefault();
      void copy();
    } else if (e.key === 'End' || (e.key === 'G' && !mod)) {
      e.preventDefault();
      e.stopPropagation();
      jumpLatest();
    } else if (e.key === 'Home' || (e.key === 'g' && !mod)) {
      e.preventDefault();
      e.stopPropagation();
      jumpFirst();
    } else if (e.key === 'f' && !mod) {
      // Follow toggle: stop at the line on screen, or catch up and follow
      // again (opening the stream with follow if it was opened without).
      e.preventDefault();
      e.stopPropagation();
      if (!opts.follow) set({ follow: true });
      else if (paused !== null) jumpLatest();
      else setPaused((p) => p ?? store.next);
    } else if (e.key === '/' && !mod) {
      e.preventDefault();
      e.stopPropagation();
      setSearchOpen(true);
      requestAnimationFrame(() => searchInput.current?.focus());
    }
  };

  const st = store.status;
  const sources = st?.sources ?? [];
  const many = (st?.pods ?? 1) > 1 || sources.length > 1 || subject.kind !== 'pods';
  const newLines = paused !== null ? Math.max(0, store.next - paused) : 0;
  const currentSeq = matches && matches.current >= 0 ? matches.seqs[matches.current] : 0;
  const set = (patch: Partial<LogOptions>) => {
    setPaused(null);
    setSel(null);
    setOpts((o) => ({ ...o, ...patch }));
  };
  const nextTail = opts.tailLines === -1 ? undefined : TAILS.find((t) => t === -1 || t > opts.tailLines);

  const drawn: React.ReactNode[] = [];
  for (let i = rows.drawFirst; i <= rows.drawLast; i++) {
    const l = lineAt(i);
    drawn.push(
      l ? (
        <LogLine
          key={i - rows.drawFirst}
          line={l}
          timestamps={opts.timestamps}
          tag={many ? tagText(subject, l.pod, l.container) : null}
          re={active ? re : null}
          current={l.seq === currentSeq}
          selected={sel !== null && l.seq >= sel.from && l.seq <= sel.to}
          pretty={prettyAll || pretty.has(l.seq)}
          onToggleJson={toggleJson}
          onPick={pick}
        />
      ) : !filtered && top + i < store.first ? (
        <div key={i - rows.drawFirst} className="log-line placeholder gone" data-testid="log-gone" title="This line fell out of the buffer" />
      ) : (
        <div key={i - rows.drawFirst} className="log-line placeholder" />
      ),
    );
  }

  return (
    <div className={'logs' + (opts.wrap ? ' wrap' : '')} data-testid="logs" onKeyDown={onKeyDown}>
      <div className="logs-bar" role="toolbar" aria-label="Log options">
        <select
          data-testid="logs-container"
          aria-label="Container"
          value={opts.container}
          onChange={(e) => set({ container: e.target.value })}
        >
          <option value="">All containers</option>
          {containers.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
              {c.init ? ' (init)' : c.ephemeral ? ' (ephemeral)' : ''}
            </option>
          ))}
        </select>
        <select
          data-testid="logs-since"
          aria-label="Since"
          value={opts.sinceTime ? 'time' : String(opts.sinceSeconds)}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'time') set({ sinceTime: Math.floor(Date.now() / 1000) - 3600, sinceSeconds: 0 });
            else set({ sinceSeconds: Number(v), sinceTime: 0 });
          }}
        >
          {SINCE.map(([label, s]) => (
            <option key={s} value={String(s)}>
              {s ? `Last ${label}` : 'All time'}
            </option>
          ))}
          <option value="time">Since a time…</option>
        </select>
        {opts.sinceTime > 0 && (
          <input
            type="datetime-local"
            aria-label="Since time"
            data-testid="logs-since-time"
            value={localInput(opts.sinceTime)}
            onChange={(e) => {
              const t = new Date(e.target.value).getTime();
              if (!Number.isNaN(t)) set({ sinceTime: Math.floor(t / 1000) });
            }}
          />
        )}
        <Toggle id="previous" label="Previous" title="The previous run of each container (after a restart)" on={opts.previous} set={(v) => set({ previous: v })} />
        <Toggle id="timestamps" label="Timestamps" on={opts.timestamps} set={(v) => setOpts((o) => ({ ...o, timestamps: v }))} />
        <Toggle id="wrap" label="Wrap" on={opts.wrap} set={(v) => setOpts((o) => ({ ...o, wrap: v }))} />
        <Toggle id="follow" label="Follow" title="Follow new lines (f pauses and resumes)" on={opts.follow} set={(v) => set({ follow: v })} />
        <Toggle id="json" label="{} JSON" title="Pretty-print every JSON line" on={prettyAll} set={setPrettyAll} />
        {nextTail !== undefined && (
          <button type="button" className="button small" data-testid="logs-earlier" title={`Re-open with ${nextTail === -1 ? 'the whole log' : `the last ${formatCount(nextTail)} lines`}`} onClick={() => set({ tailLines: nextTail })}>
            Load earlier lines
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="button small" data-testid="logs-search-open" title="Search (Ctrl+F)" onClick={() => {
          setSearchOpen(true);
          requestAnimationFrame(() => searchInput.current?.focus());
        }}>
          Search
        </button>
        <button type="button" className="button small" data-testid="logs-copy" disabled={!sel} title="Copy the selected lines (click, shift-click)" onClick={() => void copy()}>
          Copy
        </button>
        <SaveLines id={store.id} timestamps={opts.timestamps} />
        {subject.kind === 'pods' && <Download subject={subject} opts={opts} containers={containers} />}
      </div>

      {searchOpen && (
        <div className="logs-search" role="search">
          <input
            ref={searchInput}
            data-testid="logs-search"
            aria-label="Search the log"
            aria-invalid={badRegexp}
            placeholder={query.regexp ? 'Regular expression' : 'Search'}
            spellCheck={false}
            value={query.text}
            onChange={(e) => setQuery((q) => ({ ...q, text: e.target.value }))}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
          />
          <Toggle id="regexp" label=".*" title="Regular expression" on={!!query.regexp} set={(v) => setQuery((q) => ({ ...q, regexp: v }))} />
          <Toggle id="case" label="Aa" title="Match case" on={!!query.caseSensitive} set={(v) => setQuery((q) => ({ ...q, caseSensitive: v }))} />
          <Toggle id="filter" label="Filter" title="Show only matching lines" on={filterMode} set={setFilterMode} />
          <span className="logs-count" data-testid="logs-match-count" aria-live="polite">
            {badRegexp
              ? 'Invalid expression'
              : matches
                ? matches.error ?? `${matches.current >= 0 ? matches.current + 1 + ' of ' : ''}${formatCount(matches.seqs.length)}${matches.capped ? '+' : ''} match${matches.seqs.length === 1 ? '' : 'es'}`
                : filtered
                  ? filtered.error ?? `${formatCount(filtered.lines.length)}${filtered.trimmed ? ` (last ${formatCount(MAX_FILTERED)})` : ''} matching lines`
                  : ''}
          </span>
          <button type="button" className="icon-button" aria-label="Previous match" title="Previous (Shift+Enter)" disabled={!matches?.seqs.length} onClick={() => step(-1)}>
            ↑
          </button>
          <button type="button" className="icon-button" aria-label="Next match" title="Next (Enter)" disabled={!matches?.seqs.length} onClick={() => step(1)}>
            ↓
          </button>
          <button type="button" className="icon-button" aria-label="Close search" title="Close (Esc)" onClick={() => {
            setSearchOpen(false);
            setFilterMode(false);
          }}>
            ×
          </button>
          {matches?.capped && <span className="muted">first {formatCount(MAX_MATCHES)} kept</span>}
        </div>
      )}

      <Sources subject={subject} status={st} dropped={store.dropped} />

      {error ? (
        <div className="panel-error" role="alert" data-testid="logs-error">
          <p>{error}</p>
        </div>
      ) : (
        <div className="logs-body">
          <div className="logs-scroller" ref={scroller} tabIndex={0} data-testid="logs-scroller" aria-label="Log lines">
            <div style={{ height: count * ROW_HEIGHT + extra, position: 'relative' }}>
              <div ref={block} className="logs-block" style={{ transform: `translateY(${rows.drawFirst * ROW_HEIGHT}px)` }}>
                {drawn}
              </div>
            </div>
            {!opening && store.loaded && count === 0 && (
              <p className="muted pad logs-empty" data-testid="logs-empty">
                {filtered ? 'No line matches.' : opts.follow ? 'No lines yet; new lines appear here.' : 'No lines.'}
              </p>
            )}
            {(opening || (!store.loaded && count > 0)) && <p className="muted pad logs-empty">Opening the log…</p>}
          </div>
          {opts.follow && paused !== null && (
            <button type="button" className="button primary logs-jump" data-testid="logs-jump" onClick={jumpLatest}>
              Jump to latest{newLines > 0 ? ` (${formatCount(newLines)} new)` : ''}
            </button>
          )}
          {copied && <span className="logs-toast" role="status">{copied}</span>}
        </div>
      )}
    </div>
  );
}

/**
 * tagText is a line's tag, short: a pod's own log names only the container;
 * a workload's drops the workload's name and the ReplicaSet hash its pods
 * share; a Service's keeps the pod's name ("storefront-546db6cbcf-7d8sf" reads "7d8sf"). The full name is the tag's title.
 */
export function tagText(subject: LogSubject, pod: string, container: string): string {
  if (subject.kind === 'pods') return container || pod;
  // A Service selects pods named after their own workloads.
  if (subject.kind === 'services') return container ? `${pod}/${container}` : pod;
  let p = pod.startsWith(subject.name + '-') ? pod.slice(subject.name.length + 1) : pod;
  const m = /^[a-z0-9]{6,10}-([a-z0-9]{5})$/.exec(p);
  if (m?.[1]) p = m[1];
  return container ? `${p}/${container}` : p;
}

/** localInput is Unix seconds as a datetime-local input's value. */
function localInput(sec: number): string {
  const d = new Date(sec * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function Toggle({ id, label, title, on, set }: { id: string; label: string; title?: string; on: boolean; set: (v: boolean) => void }) {
  return (
    <button type="button" className={'toggle' + (on ? ' on' : '')} data-testid={'logs-' + id} aria-pressed={on} title={title ?? label} onClick={() => set(!on)}>
      {label}
    </button>
  );
}

/** Sources shows each stream's state, what fell out of the ring, and pods waiting beyond the streams read at once. */
function Sources({ subject, status, dropped }: { subject: LogSubject; status: LogStatus | null; dropped: number }) {
  if (!status) return null;
  const sources = status.sources ?? [];
  const waiting = status.waiting ?? [];
  if (sources.length === 0 && dropped === 0 && !status.notice) return null;
  return (
    <div className="logs-sources" data-testid="logs-sources">
      {sources.map((s) => (
        <span
          key={s.pod + '/' + s.container}
          className={'log-source state-' + s.state}
          data-testid="log-source"
          data-state={s.state}
          title={`${s.pod}/${s.container}: ${s.state}${s.message ? ` (${s.message})` : ''}`}
        >
          <span className="status-dot" aria-hidden="true" />
          {tagText(subject, s.pod, s.container)} · {s.state}
          {s.message && (s.state === 'error' || s.state === 'reconnecting') ? `: ${s.message}` : ''}
        </span>
      ))}
      {dropped > 0 && (
        <span className="log-dropped" data-testid="logs-dropped" title="The oldest lines fell out of the buffer">
          {formatCount(dropped)} lines dropped
        </span>
      )}
      {status.notice && (
        <span className="log-notice" data-testid="logs-notice" title={waiting.join(', ')}>
          {status.notice}
        </span>
      )}
    </div>
  );
}

/** SaveLines saves the lines the view keeps now (a workload's merged, tagged) through a native dialog. */
function SaveLines({ id, timestamps }: { id: string; timestamps: boolean }) {
  const [said, setSaid] = useState<string | null>(null);
  const save = () => {
    setSaid(null);
    api.saveLogLines(id, timestamps).then(
      (r) => r.path && setSaid(`Saved ${formatCount(r.lines)} line${r.lines === 1 ? '' : 's'}`),
      (e: unknown) => setSaid('Save failed: ' + errorMessage(e)),
    );
  };
  return (
    <>
      <button type="button" className="button small" data-testid="logs-save" disabled={!id} title="Save the lines kept here (the buffer) to a file" onClick={save}>
        Save lines
      </button>
      {said && <span className="muted" data-testid="logs-saved">{said}</span>}
    </>
  );
}

/** Download saves a container's whole log through a native dialog; progress comes on logs:download. */
function Download({ subject, opts, containers }: { subject: LogSubject; opts: LogOptions; containers: Container[] }) {
  const [id, setId] = useState<string | null>(null);
  const [p, setP] = useState<DownloadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => api.onLogDownload((d) => setP((cur) => (d.id === idRef.current ? d : cur))), []);
  const idRef = useRef<string | null>(null);
  idRef.current = id;
  const start = () => {
    setError(null);
    setP(null);
    api.downloadLogs(subject.kind, subject.namespace, subject.name, opts.container, opts.previous, opts.timestamps).then(
      (d) => setId(d || null),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const running = id !== null && !(p?.done || p?.error);
  // The API gives one container's log: with several, one must be picked.
  const pickFirst = opts.container === '' && containers.filter((c) => !c.init).length > 1;
  return (
    <span className="logs-download" data-testid="logs-download-state">
      {running ? (
        <>
          <span className="muted">Saving… {bytes(p?.written ?? 0)}</span>
          <button type="button" className="button small" data-testid="logs-download-cancel" onClick={() => id && api.cancelDownload(id).catch(() => undefined)}>
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button small"
          data-testid="logs-download"
          disabled={pickFirst}
          title={pickFirst ? 'Pick a container to download its whole log' : 'Download the whole log of the container from the API (not only the lines kept here)'}
          onClick={start}
        >
          Download
        </button>
      )}
      {p?.done && !p.error && <span className="muted" title={p.path}>Saved {bytes(p.written)}</span>}
      {(p?.error || error) && <span className="error" title={p?.error ?? error ?? ''}>Download failed: {p?.error ?? error}</span>}
    </span>
  );
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
