import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type Forward } from '../api';

export interface Forwards {
  list: Forward[];
  error: string | null;
  /** refresh reads the list again (after an action, or a failed read). */
  refresh: () => void;
}

/**
 * useForwards follows the session's port-forwards: read once, then again
 * on each forwards:changed of this generation (coalesced by the backend to
 * ten a second), one read at a time. Forwards of another generation are
 * never shown.
 */
export function useForwards(generation: number, enabled: boolean): Forwards {
  const [list, setList] = useState<Forward[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useRef<() => void>(() => {});

  useEffect(() => {
    setList([]);
    setError(null);
    if (!enabled || generation === 0) {
      load.current = () => {};
      return;
    }
    let live = true;
    let busy = false;
    let again = false;
    const read = () => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      api.forwards().then(
        (l) => {
          if (!live) return;
          setList(l.filter((f) => f.generation === generation));
          setError(null);
        },
        (e: unknown) => live && setError(errorMessage(e)),
      ).finally(() => {
        busy = false;
        if (again && live) {
          again = false;
          read();
        }
      });
    };
    load.current = read;
    const off = api.onForwardsChanged((n) => {
      if (n.generation === generation) read();
    });
    read();
    return () => {
      live = false;
      off();
    };
  }, [generation, enabled]);

  const refresh = useCallback(() => load.current(), []);
  return { list, error, refresh };
}
