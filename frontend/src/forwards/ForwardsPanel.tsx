import { useState } from 'react';
import { api, errorMessage, type Forward } from '../api';
import { browserURL, bytes, targetText } from './format';
import type { Forwards } from './useForwards';
import { useEscape } from '../useEscape';

interface Props {
  forwards: Forwards;
  context: string;
  onClose: () => void;
}

const RUNNING = new Set(['starting', 'active', 'reconnecting']);

/**
 * ForwardsPanel lists the session's port-forwards: what each targets, its
 * local address and the pod and port it reaches now, its state (with the
 * reason of an error or a move), connections and bytes, and the actions:
 * open in the system browser (HTTP ports), stop, restart, save for this
 * context, remove.
 */
export function ForwardsPanel({ forwards, context, onClose }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEscape(onClose);

  const act = (id: string, what: () => Promise<unknown>) => {
    setError(null);
    setBusy(id);
    what()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => {
        setBusy(null);
        forwards.refresh();
      });
  };

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <section className="palette forwards" role="dialog" aria-label="Port forwards" data-testid="forwards">
        <header className="settings-head">
          <h2>Port forwards{context ? ` · ${context}` : ''}</h2>
          <button type="button" className="link-button" onClick={onClose} aria-label="Close port forwards">
            Close
          </button>
        </header>
        <div className="forwards-body">
          {(error ?? forwards.error) && (
            <p className="panel-error" role="alert" data-testid="forwards-error">
              {error ?? forwards.error}
            </p>
          )}
          {forwards.list.length === 0 ? (
            <p className="muted pad" data-testid="forwards-empty">
              No port forwards. Start one with “Forward port…” in the details of a pod, Service or workload.
            </p>
          ) : (
            <table className="forwards-table">
              <thead>
                <tr>
                  <th>Target</th>
                  <th>Local → remote</th>
                  <th>State</th>
                  <th>Connections</th>
                  <th>Bytes in / out</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {forwards.list.map((f) => (
                  <ForwardRow key={f.id} f={f} busy={busy === f.id} act={act} />
                ))}
              </tbody>
            </table>
          )}
          <p className="muted forwards-note">
            Forwards listen on 127.0.0.1 only and stop when you switch context or quit. A Service’s or workload’s forward moves to
            another Ready pod when its pod goes away. Saved forwards come back, stopped, the next time you connect to this context.
          </p>
        </div>
      </section>
    </div>
  );
}

function ForwardRow({ f, busy, act }: { f: Forward; busy: boolean; act: (id: string, what: () => Promise<unknown>) => void }) {
  const running = RUNNING.has(f.state);
  const url = f.state === 'active' ? browserURL(f) : null;
  const remote = f.pod ? `${f.pod}:${f.remotePort ?? f.port}` : f.port;
  return (
    <tr data-testid="forward-row" data-id={f.id} data-state={f.state}>
      <td>
        <div className="forward-target">{targetText(f)}</div>
        <div className="muted">{f.namespace}</div>
      </td>
      <td className="mono">
        <div data-testid="forward-address">{f.address || (f.localPort ? `127.0.0.1:${f.localPort}` : 'any free port')}</div>
        <div className="muted">
          → {remote}
          {f.port !== String(f.remotePort ?? '') ? ` (${f.port})` : ''}
        </div>
      </td>
      <td>
        <span className={'forward-state state-' + f.state} data-testid="forward-state">
          {f.state}
        </span>
        {f.message && (
          <div className="forward-message" data-testid="forward-message">
            {f.message}
          </div>
        )}
      </td>
      <td className="num">
        {f.connections} open · {f.totalConnections} total
      </td>
      <td className="num">
        {bytes(f.bytesIn)} / {bytes(f.bytesOut)}
      </td>
      <td>
        <div className="forward-actions">
          {url && (
            <button type="button" className="button small" data-testid="forward-open" title={`Open ${url} in your browser`} onClick={() => api.openInBrowser(url)}>
              Open
            </button>
          )}
          {running ? (
            <button type="button" className="button small" data-testid="forward-stop" disabled={busy} onClick={() => act(f.id, () => api.stopForward(f.id))}>
              Stop
            </button>
          ) : (
            <button type="button" className="button small" data-testid="forward-restart" disabled={busy} onClick={() => act(f.id, () => api.restartForward(f.id))}>
              Restart
            </button>
          )}
          <label className="forward-save" title="Restore this forward (stopped) at the next connect to this context">
            <input type="checkbox" data-testid="forward-save" checked={!!f.saved} disabled={busy} onChange={(e) => act(f.id, () => api.saveForward(f.id, e.target.checked))} />
            Save
          </label>
          <button type="button" className="link-button" data-testid="forward-remove" disabled={busy} onClick={() => act(f.id, () => api.removeForward(f.id))}>
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}

/** ForwardsButton opens the panel from the status bar, counting the forwards that run. */
export function ForwardsButton({ list, onOpen }: { list: Forward[]; onOpen: () => void }) {
  const running = list.filter((f) => RUNNING.has(f.state)).length;
  const failed = list.some((f) => f.state === 'error');
  return (
    <button
      type="button"
      className={'status-button' + (failed ? ' failed' : '')}
      data-testid="forwards-open"
      title="Port forwards"
      onClick={onOpen}
    >
      Port forwards{list.length > 0 ? ` · ${running} running` : ''}
    </button>
  );
}
