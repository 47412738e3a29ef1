import { useEffect, useState } from 'react';
import { api, errorMessage, type Desktop, type Settings } from '../api';

interface Props {
  onClose: () => void;
  /** onTheme applies a theme choice at once (it is saved here too). */
  onTheme: (theme: string) => void;
}

/** parsePath turns the textarea into directories: one a line, blanks dropped, duplicates once. */
export function parsePath(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const dir = line.trim();
    if (dir !== '' && !out.includes(dir)) out.push(dir);
  }
  return out;
}

/**
 * SettingsPanel edits what the app cannot guess: extra directories to search
 * for kubeconfig exec credential plugins (aws, gke-gcloud-auth-plugin,
 * kubelogin...) when started from a desktop menu with a short PATH. It also
 * shows where the settings and the log live and the PATH plugins are looked
 * up in.
 */
export function SettingsPanel({ onClose, onTheme }: Props) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [desktop, setDesktop] = useState<Desktop | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.settings().then(
      (s) => {
        setSettings(s);
        setText((s.extraPath ?? []).join('\n'));
      },
      (e: unknown) => setError(errorMessage(e)),
    );
    api.desktop().then(setDesktop, () => undefined);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const save = (next: Settings) => {
    setError(null);
    setSaved(false);
    api.saveSettings(next).then(
      () => {
        setSettings(next);
        setSaved(true);
        api.desktop().then(setDesktop, () => undefined);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const pickTheme = (theme: string) => {
    if (!settings) return;
    onTheme(theme);
    save({ ...settings, theme });
  };

  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <section className="palette settings" role="dialog" aria-label="Settings" data-testid="settings">
        <header className="settings-head">
          <h2>Settings</h2>
          <button type="button" className="link-button" onClick={onClose} aria-label="Close settings">
            Close
          </button>
        </header>
        <div className="settings-body">
          <label className="settings-label" htmlFor="settings-theme">
            Theme
          </label>
          <select
            id="settings-theme"
            className="settings-theme"
            data-testid="settings-theme"
            disabled={!settings}
            value={settings?.theme || 'system'}
            onChange={(e) => pickTheme(e.target.value)}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>

          <label className="settings-label" htmlFor="settings-path">
            Extra directories for credential plugins
          </label>
          <p className="muted">
            One directory a line, searched after the PATH below for exec plugins such as aws, gke-gcloud-auth-plugin or kubelogin.
            Applies to the next connection.
          </p>
          <textarea
            id="settings-path"
            className="settings-path"
            data-testid="settings-path"
            rows={4}
            spellCheck={false}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setSaved(false);
            }}
          />
          <div className="settings-actions">
            <button
              type="button"
              className="button primary"
              data-testid="settings-save"
              disabled={!settings}
              onClick={() => settings && save({ ...settings, extraPath: parsePath(text) })}
            >
              Save
            </button>
            {saved && <span className="muted" data-testid="settings-saved">Saved</span>}
            {error && (
              <span className="error" role="alert">
                {error}
              </span>
            )}
          </div>

          {desktop && (
            <dl className="kv settings-facts">
              <div className="kv-row">
                <dt>PATH for plugins ({desktop.pathSource})</dt>
                <dd data-testid="settings-effective-path">{(desktop.path ?? []).join('\n')}</dd>
              </div>
              {desktop.pathProblem && (
                <div className="kv-row">
                  <dt>Login shell</dt>
                  <dd className="error">{desktop.pathProblem}</dd>
                </div>
              )}
              <div className="kv-row">
                <dt>Settings file</dt>
                <dd>{desktop.settingsFile}</dd>
              </div>
              {desktop.settingsProblem && (
                <div className="kv-row">
                  <dt>Settings problem</dt>
                  <dd className="error">{desktop.settingsProblem}</dd>
                </div>
              )}
              <div className="kv-row">
                <dt>Log file</dt>
                <dd>
                  {desktop.logFile}{' '}
                  <button type="button" className="link-button" onClick={() => api.openLogFolder().catch(() => undefined)}>
                    Open folder
                  </button>
                </dd>
              </div>
            </dl>
          )}
        </div>
      </section>
    </div>
  );
}
