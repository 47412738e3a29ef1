import { api, type TerminalInfo } from '../api';

interface Open {
  info: Promise<TerminalInfo>;
  refs: number;
}

const opens = new Map<string, Open>();

/**
 * openNodeShellOnce opens the node shell of a plan once, however many times
 * a view mounts for it (React's development mode mounts twice): a plan is
 * used once by the backend. The terminal, and so the pod, is closed when the
 * last holder releases it and none takes it up in the same turn.
 */
export function openNodeShellOnce(planId: string, cols: number, rows: number): { info: Promise<TerminalInfo>; release: () => void } {
  let o = opens.get(planId);
  if (!o) {
    o = { info: api.openNodeShell(planId, cols, rows), refs: 0 };
    opens.set(planId, o);
  }
  const held = o;
  held.refs++;
  let released = false;
  return {
    info: held.info,
    release() {
      if (released) return;
      released = true;
      held.refs--;
      setTimeout(() => {
        if (held.refs > 0) return;
        if (opens.get(planId) === held) opens.delete(planId);
        held.info.then(
          (t) => api.closeTerminal(t.id).catch(() => undefined),
          () => undefined,
        );
      }, 0);
    },
  };
}
