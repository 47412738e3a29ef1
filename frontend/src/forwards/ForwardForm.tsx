import { useEffect, useState } from 'react';
import { api, errorMessage, type Forward, type ForwardPort, type Permission } from '../api';

interface Props {
  kind: string;
  namespace: string;
  name: string;
  onClose: () => void;
  /** onShow opens the port forwards panel. */
  onShow?: () => void;
}

/** parseLocalPort reads the local port field: "" is 0 (any free port), else a whole number 1–65535, or why not. */
export function parseLocalPort(text: string): number | string {
  const t = text.trim();
  if (t === '') return 0;
  if (!/^\d+$/.test(t)) return 'Local port: a number, or empty for any free port';
  const n = Number(t);
  if (n < 1 || n > 65535) return 'Local port: between 1 and 65535';
  return n;
}

const portLabel = (p: ForwardPort) =>
  [p.name ? `${p.name} (${p.number})` : String(p.number), p.container ? `container ${p.container}` : '', p.target ? `→ ${p.target}` : '']
    .filter(Boolean)
    .join(' · ');

/**
 * ForwardForm starts a port-forward to the object of a details panel: a
 * port it offers (container ports, or a Service's ports; another number
 * may be typed), and a local port (empty: any free one). It checks first
 * that the user may forward ports, and says why not.
 */
export function ForwardForm({ kind, namespace, name, onClose, onShow }: Props) {
  const [permission, setPermission] = useState<Permission | null>(null);
  const [ports, setPorts] = useState<ForwardPort[] | null>(null);
  const [port, setPort] = useState('');
  const [local, setLocal] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<Forward | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.canPortForward(kind, namespace, name).then(
      (p) => live && setPermission(p),
      (e: unknown) => live && setPermission({ allowed: false, reason: errorMessage(e) }),
    );
    api.forwardPorts(kind, namespace, name).then(
      (ps) => {
        if (!live) return;
        setPorts(ps);
        if (ps.length > 0) setPort((cur) => cur || ps[0]!.port);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [kind, namespace, name]);

  const start = () => {
    const localPort = parseLocalPort(local);
    if (typeof localPort === 'string') {
      setError(localPort);
      return;
    }
    if (port.trim() === '') {
      setError('Port: pick or type one');
      return;
    }
    setError(null);
    setBusy(true);
    api
      .startForward({ kind, namespace, name, port: port.trim(), localPort })
      .then(setStarted, (e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };

  const denied = permission !== null && !permission.allowed;
  return (
    <section className="forward-form" data-testid="forward-form" aria-label="Forward port">
      <header className="forward-form-head">
        <strong>Forward a port</strong>
        <button type="button" className="icon-button small" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {denied && (
        <p className="panel-error" role="alert" data-testid="forward-denied">
          {permission.reason || 'You may not forward ports here.'}
        </p>
      )}
      {started ? (
        <div className="forward-started" data-testid="forward-started" role="status">
          <p>
            Forwarding <span className="mono">{started.address}</span> → {started.pod}:{started.remotePort}
          </p>
          {onShow && (
            <button type="button" className="button small" data-testid="forward-show" onClick={onShow}>
              Show port forwards
            </button>
          )}
        </div>
      ) : (
        <form
          className="forward-fields"
          onSubmit={(e) => {
            e.preventDefault();
            start();
          }}
        >
          <label>
            <span>Port</span>
            <input
              list={`forward-ports-${name}`}
              data-testid="forward-port"
              value={port}
              spellCheck={false}
              placeholder={ports === null ? 'Loading…' : ports.length === 0 ? 'a port number' : ''}
              onChange={(e) => setPort(e.target.value)}
            />
            <datalist id={`forward-ports-${name}`}>
              {(ports ?? []).map((p) => (
                <option key={p.port + (p.container ?? '')} value={p.port}>
                  {portLabel(p)}
                </option>
              ))}
            </datalist>
          </label>
          <label>
            <span>Local port</span>
            <input data-testid="forward-local" value={local} placeholder="any free" inputMode="numeric" onChange={(e) => setLocal(e.target.value)} />
          </label>
          <button type="submit" className="button primary small" data-testid="forward-start" disabled={busy || permission === null || denied}>
            {busy ? 'Starting…' : 'Start'}
          </button>
        </form>
      )}
      {error && (
        <p className="forward-error" role="alert" data-testid="forward-error">
          {error}
        </p>
      )}
    </section>
  );
}
