import { useState } from 'react';
import type { ContextInfo } from '../api';
import { PickerButton, Popover } from '../shell/Popover';

interface Props {
  current: string;
  contexts: ContextInfo[];
  error: string | null;
  switching: string | null;
  onPick: (name: string) => void;
}

/** ContextPicker lists every kubeconfig context with its cluster, server and user. */
export function ContextPicker({ current, contexts, error, switching, onPick }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <div className="picker">
      <PickerButton
        testId="context-picker"
        label="Context"
        value={switching ?? (current || 'Choose…')}
        open={open}
        onClick={() => setOpen((o) => !o)}
      />
      <Popover open={open} onClose={() => setOpen(false)} className="context-menu">
        {error && <p className="menu-error">Cannot read kubeconfig: {error}</p>}
        {!error && contexts.length === 0 && <p className="menu-empty">No contexts in the kubeconfig files.</p>}
        <ul role="listbox" aria-label="Contexts">
          {contexts.map((c) => (
            <li key={c.name}>
              <button
                type="button"
                role="option"
                aria-selected={c.name === current}
                className={'context-item' + (c.valid ? '' : ' invalid') + (c.name === current ? ' current' : '')}
                data-testid="context-item"
                data-context={c.name}
                data-valid={c.valid ? 'true' : 'false'}
                onClick={() => {
                  setOpen(false);
                  onPick(c.name);
                }}
              >
                <span className="context-name" title={c.name}>
                  {c.name}
                </span>
                <span className="context-meta" title={`cluster ${c.cluster} · ${c.server} · user ${c.user}`}>
                  {c.cluster || '—'} · {c.server || 'no server'} · {c.user || 'no user'}
                  {c.namespace && c.namespace !== 'default' ? ` · ns ${c.namespace}` : ''}
                </span>
                {c.execCommand && (
                  <span className="context-exec" title={c.execCommand}>
                    runs {c.execCommand}
                  </span>
                )}
                {!c.valid &&
                  (c.problems ?? []).map((p, i) => (
                    <span key={i} className="context-problem">
                      {p}
                    </span>
                  ))}
              </button>
            </li>
          ))}
        </ul>
      </Popover>
    </div>
  );
}
