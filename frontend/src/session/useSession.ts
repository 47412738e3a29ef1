import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, type ContextInfo, type SessionStatus } from '../api';

export interface Session {
  status: SessionStatus | null;
  contexts: ContextInfo[];
  contextsError: string | null;
  /** Set when the connection was lost after it had been up: since when (ms). */
  staleSince: number | null;
  /** Error from the last SwitchContext call itself (e.g. an invalid context). */
  switchError: string | null;
  switching: string | null;
  switchTo: (name: string) => void;
  reloadContexts: () => void;
}

/**
 * useSession follows the backend session: its status events (never going
 * back to an older generation), the kubeconfig contexts, and whether what
 * is on screen has gone stale because the connection dropped.
 */
export function useSession(): Session {
  const [status, setStatus] = useState<SessionStatus | null>(null);
  const [contexts, setContexts] = useState<ContextInfo[]>([]);
  const [contextsError, setContextsError] = useState<string | null>(null);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const [staleSince, setStaleSince] = useState<number | null>(null);
  const connected = useRef<{ generation: number; once: boolean }>({ generation: -1, once: false });
  const latestGen = useRef(0);
  const switchSeq = useRef(0);

  const apply = useCallback((st: SessionStatus) => {
    if (st.generation < latestGen.current) return; // an older session's news
    latestGen.current = st.generation;
    setStatus(st);
    const c = connected.current;
    if (c.generation !== st.generation) {
      connected.current = { generation: st.generation, once: false };
      setStaleSince(null);
    }
    if (st.phase === 'connected') {
      connected.current.once = true;
      setStaleSince(null);
    } else if (connected.current.once && (st.phase === 'error' || st.phase === 'connecting')) {
      setStaleSince((s) => s ?? Date.now());
    }
  }, []);

  const reloadContexts = useCallback(() => {
    api.contexts().then(
      (cs) => {
        setContexts(cs ?? []);
        setContextsError(null);
      },
      (e: unknown) => setContextsError(errorMessage(e)),
    );
  }, []);

  useEffect(() => {
    const off = api.onSessionStatus(apply);
    api.status().then(apply, () => undefined);
    reloadContexts();
    return off;
  }, [apply, reloadContexts]);

  const switchTo = useCallback(
    (name: string) => {
      // Only the last switch asked for speaks: an earlier one the backend
      // superseded must not report an error or end the "switching" state.
      const my = ++switchSeq.current;
      setSwitching(name);
      setSwitchError(null);
      api.switchContext(name).then(
        (st) => {
          if (my !== switchSeq.current) return;
          setSwitching(null);
          apply(st);
        },
        (e: unknown) => {
          if (my !== switchSeq.current) return;
          setSwitching(null);
          setSwitchError(`Cannot switch to ${name}: ${errorMessage(e)}`);
        },
      );
    },
    [apply],
  );

  return { status, contexts, contextsError, staleSince, switchError, switching, switchTo, reloadContexts };
}
