import { useEffect, useState } from 'react';
import { About, Status } from '../wailsjs/go/main/App';
import type { model } from '../wailsjs/go/models';
import { EventsOn } from '../wailsjs/runtime/runtime';

// App is the first screen: which build is running and which kubeconfig files
// it reads. The cluster explorer replaces it.
export function App() {
  const [about, setAbout] = useState<model.About | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<model.SessionStatus | null>(null);

  useEffect(() => {
    let live = true;
    About().then(
      (a) => live && setAbout(a),
      (e: unknown) => live && setError(String(e)),
    );
    Status().then(
      (st) => live && setStatus(st),
      () => undefined,
    );
    const off = EventsOn('session:status', (st: model.SessionStatus) => {
      if (live) setStatus(st);
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  return (
    <main className="splash">
      <h1>Crowsnest</h1>
      <p className="tagline">A live view of your Kubernetes clusters.</p>
      {error && <p className="error">Backend unavailable: {error}</p>}
      {about && (
        <dl>
          <dt>Version</dt>
          <dd>{about.version}</dd>
          <dt>Context</dt>
          <dd>
            {status && status.context ? (
              <>
                {status.context} <span className={'phase phase-' + status.phase}>{status.phase}</span>
                {status.message && <div className="error">{status.message}</div>}
              </>
            ) : (
              <span className="muted">none selected</span>
            )}
          </dd>
          <dt>Kubeconfig</dt>
          <dd>
            {about.kubeconfigFiles.length === 0 ? (
              <span className="muted">none found</span>
            ) : (
              <ul>
                {about.kubeconfigFiles.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      )}
    </main>
  );
}
