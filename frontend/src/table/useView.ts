import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api, errorMessage, MAX_WINDOW, type ViewSpec } from '../api';
import { noticeCost } from './perf';
import { WindowCache } from './windowCache';

export interface ViewState {
  cache: WindowCache;
  /** The view could not be opened or read. */
  error: string | null;
  /** The last spec change was refused (an invalid label selector...). */
  specError: string | null;
  opening: boolean;
  /** The view's kind is no longer served (its CRD was deleted). */
  removed: boolean;
}

const specKey = (s: ViewSpec) => JSON.stringify([s.kind, s.namespace, s.selector, s.filter, s.sortBy, s.desc, !!s.showHidden]);

/**
 * useView keeps one backend view open for the session generation and points
 * it at spec: a new generation (context switch) forgets every row at once
 * and opens a fresh view; a new spec updates the view in place. Notices for
 * the view go to its window cache.
 */
export function useView(generation: number, enabled: boolean, spec: ViewSpec, reopen = 0): ViewState {
  const cache = useMemo(
    () => new WindowCache({ fetch: (id, off, lim) => api.viewRows(id, off, lim), aheadSize: MAX_WINDOW, onCost: noticeCost }),
    [],
  );
  // The page re-renders when the state it shows of the view changes (empty
  // or not, loaded, error), not for every window of rows or new count: the
  // table and the count in the title follow those themselves.
  useSyncExternalStore(cache.subscribe, () => `${cache.count === 0}|${cache.loaded}|${cache.removed}|${cache.error ?? ''}`);
  const [error, setError] = useState<string | null>(null);
  const [specError, setSpecError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const view = useRef<{ id: string; key: string } | null>(null);
  const latest = useRef(spec);
  latest.current = spec;
  const openSeq = useRef(0);
  const updateSeq = useRef(0);
  const key = specKey(spec);

  useEffect(() => api.onViewChanged((n) => cache.notice(n)), [cache]);

  const apply = useRef(() => {});
  apply.current = () => {
    const v = view.current;
    const want = latest.current;
    if (!v) return;
    if (v.key === specKey(want)) {
      // Back to what the view already shows: a refused change is forgotten.
      updateSeq.current++;
      setSpecError(null);
      return;
    }
    const my = ++updateSeq.current;
    api.updateView(v.id, want).then(
      (info) => {
        if (my !== updateSeq.current || view.current?.id !== info.id || info.generation !== generation) return;
        v.key = specKey(want);
        setSpecError(null);
        setError(null);
        cache.attach(info);
      },
      (e: unknown) => {
        if (my === updateSeq.current) setSpecError(errorMessage(e));
      },
    );
  };

  useEffect(() => {
    cache.detach();
    setError(null);
    setSpecError(null);
    if (!enabled) return;
    const my = ++openSeq.current;
    setOpening(true);
    const open = (want: ViewSpec) =>
      api.openView(want).then(
        (info) => {
          if (my !== openSeq.current || info.generation !== generation) {
            void api.closeView(info.id).catch(() => undefined);
            return;
          }
          setOpening(false);
          view.current = { id: info.id, key: specKey(want) };
          cache.attach(info);
          apply.current();
        },
        (e: unknown) => {
          if (my !== openSeq.current) return;
          const msg = errorMessage(e);
          if (want.selector && /selector/i.test(msg)) {
            // A refused selector must not leave the table without a view:
            // say why and show the rows without it.
            setSpecError(msg);
            void open({ ...want, selector: '' });
            return;
          }
          setOpening(false);
          setError(msg);
        },
      );
    void open(latest.current);
    return () => {
      openSeq.current++;
      setOpening(false);
      const v = view.current;
      view.current = null;
      cache.detach();
      if (v) void api.closeView(v.id).catch(() => undefined);
    };
  }, [cache, generation, enabled, reopen]);

  useEffect(() => {
    apply.current();
  }, [key]);

  return { cache, error: error ?? (cache.error && !cache.loaded ? cache.error : null), specError, opening, removed: cache.removed };
}
