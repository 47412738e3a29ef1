import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { api, type KindInfo } from '../api';
import { KindStore, type Kinds } from './kindStore';

export interface SessionKinds extends Kinds {
  /** markRemoved records that a view said its kind is no longer served. */
  markRemoved: (id: string) => void;
}

const NONE = (generation: number): Kinds => ({
  generation, version: 0, list: [], byId: new Map(), gone: new Map(), loaded: false, error: null,
});

/**
 * useKinds follows the kinds of session generation: fetched when the
 * generation or the status's kindsVersion changes, and again once the
 * session connects (a request made while it connected may have failed).
 * Until the generation's list arrives, no kind is listed.
 */
export function useKinds(generation: number, version: number, connected: boolean, enabled: boolean): SessionKinds {
  const store = useMemo(() => new KindStore(() => api.kinds()), []);
  const kinds = useSyncExternalStore(store.subscribe, store.get);
  useEffect(() => {
    if (enabled) store.want(generation, version);
  }, [store, generation, version, connected, enabled]);
  const mine = kinds.generation === generation;
  return useMemo(
    () => ({ ...(mine ? kinds : NONE(generation)), markRemoved: (id: string) => store.markRemoved(id) }),
    [kinds, mine, generation, store],
  );
}

export interface ShownKind {
  /** The kind's description, once the session lists it. */
  info: KindInfo | undefined;
  /** What the table draws: the kind, or a stand-in without columns while the kinds are on their way. */
  table: KindInfo;
  label: string;
  namespaced: boolean;
  /** The session's kinds have arrived without this one: nothing is asked for it. */
  unserved: boolean;
  /** ...because it was removed during the session (its CRD deleted). */
  gone: boolean;
}

/** pending stands for a kind while the session's kinds are on their way. */
function pending(id: string): KindInfo {
  return { id, kind: id, label: id, nav: '', version: '', resource: id, namespaced: true, columns: [] };
}

/** useShownKind is what the page knows of the kind it shows, its label kept when the kind goes. */
export function useShownKind(kinds: Kinds, id: string): ShownKind {
  const info = kinds.byId.get(id);
  const last = useRef<KindInfo | undefined>(undefined);
  if (info) last.current = info;
  const known = info ?? kinds.gone.get(id) ?? (last.current?.id === id ? last.current : undefined);
  const table = useMemo(() => info ?? pending(id), [info, id]);
  return {
    info,
    table,
    label: known?.label ?? id,
    namespaced: info?.namespaced ?? true,
    unserved: !info && kinds.loaded,
    gone: kinds.gone.has(id),
  };
}
