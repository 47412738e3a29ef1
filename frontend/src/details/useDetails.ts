import { useEffect, useState } from 'react';
import { api, errorMessage, type Details, type ObjectNotice } from '../api';

export interface DetailsState {
  details: Details | null;
  error: string | null;
  /** The object was deleted: what is shown is how it last was. */
  gone: boolean;
  /** retry follows the object anew after an error. */
  retry: () => void;
}

/** Notices kept while the watch's id is not known yet (they may be its own). */
const EARLY = 16;

/**
 * useDetails follows one object for the details panel. It asks the backend
 * to watch it (watchDetails) and fetches its details once, then again only
 * when a notice for that watch and this session generation says the object,
 * the events about it or its dependents changed; never on a timer. One fetch
 * runs at a time: notices during it make one more. The watch ends when the
 * panel closes or moves to another object.
 */
export function useDetails(generation: number, kind: string, namespace: string, name: string): DetailsState {
  const [details, setDetails] = useState<Details | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    let watchId: string | null = null;
    const early: ObjectNotice[] = [];
    let fetching = false;
    let again = false;
    setDetails(null);
    setError(null);
    setGone(false);

    const fetch = () => {
      if (fetching) {
        again = true;
        return;
      }
      fetching = true;
      api
        .details(kind, namespace, name)
        .then(
          (d) => {
            if (!live) return;
            setDetails(d);
            setError(null);
          },
          (e: unknown) => {
            if (live) setError(errorMessage(e));
          },
        )
        .finally(() => {
          fetching = false;
          if (live && again) {
            again = false;
            fetch();
          }
        });
    };
    const apply = (n: ObjectNotice) => {
      if (n.generation !== generation) return;
      if (watchId === null) {
        if (early.length < EARLY) early.push(n);
        return;
      }
      if (n.watchId !== watchId) return;
      setGone(!!n.gone);
      if (!n.gone) fetch();
    };

    const off = api.onObjectChanged(apply);
    api.watchDetails(kind, namespace, name).then(
      (id) => {
        if (!live) {
          void api.unwatchDetails(id).catch(() => undefined);
          return;
        }
        watchId = id;
        for (const n of early.splice(0)) apply(n);
      },
      // Without a watch the panel still shows the object, as fetched.
      () => undefined,
    );
    fetch();
    return () => {
      live = false;
      off();
      if (watchId !== null) void api.unwatchDetails(watchId).catch(() => undefined);
    };
  }, [generation, kind, namespace, name, attempt]);

  return { details, error, gone, retry: () => setAttempt((n) => n + 1) };
}
