import { useEffect, useState } from 'react';
import { About } from '../wailsjs/go/main/App';
import type { model } from '../wailsjs/go/models';

// App is the first screen: which build is running and which kubeconfig files
// it reads. The cluster explorer replaces it.
export function App() {
  const [about, setAbout] = useState<model.About | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    About().then(
      (a) => live && setAbout(a),
      (e: unknown) => live && setError(String(e)),
    );
    return () => {
      live = false;
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
