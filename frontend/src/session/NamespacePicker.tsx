import { useEffect, useRef, useState } from 'react';
import { PickerButton, Popover } from '../shell/Popover';

interface Props {
  value: string;
  namespaces: string[];
  error: string | null;
  disabled?: boolean;
  onOpen: () => void;
  onPick: (ns: string) => void;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * NamespacePicker picks all namespaces or one. The search also accepts a
 * name the list does not hold, for users who may not list namespaces.
 */
export function NamespacePicker({ value, namespaces, error, disabled, onOpen, onPick }: Props) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  const q = query.trim().toLowerCase();
  const shown = q ? namespaces.filter((n) => n.toLowerCase().includes(q)) : namespaces;
  const pick = (ns: string) => {
    setOpen(false);
    setQuery('');
    onPick(ns);
  };
  return (
    <div className="picker">
      <PickerButton
        testId="namespace-picker"
        label="Namespace"
        value={value || 'All namespaces'}
        open={open}
        disabled={disabled}
        onClick={() => {
          if (!open) onOpen();
          setOpen((o) => !o);
        }}
      />
      <Popover open={open} onClose={() => setOpen(false)} className="namespace-menu">
        <input
          ref={input}
          className="menu-search"
          data-testid="namespace-search"
          placeholder="Search namespaces"
          value={query}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              const first = shown[0];
              if (first !== undefined) pick(first);
              else if (DNS_LABEL.test(q)) pick(q);
            }
          }}
        />
        {error && <p className="menu-error">Cannot list namespaces: {error}</p>}
        <ul role="listbox" aria-label="Namespaces">
          {!q && (
            <li>
              <button type="button" role="option" aria-selected={value === ''} className="namespace-item" data-testid="namespace-item" data-namespace="" onClick={() => pick('')}>
                All namespaces
              </button>
            </li>
          )}
          {shown.map((n) => (
            <li key={n}>
              <button type="button" role="option" aria-selected={value === n} className="namespace-item" data-testid="namespace-item" data-namespace={n} title={n} onClick={() => pick(n)}>
                {n}
              </button>
            </li>
          ))}
          {q && !namespaces.includes(q) && DNS_LABEL.test(q) && (shown.length === 0 || error) && (
            <li>
              <button type="button" role="option" aria-selected={false} className="namespace-item other" data-testid="namespace-item" data-namespace={q} onClick={() => pick(q)}>
                Use “{q}”
              </button>
            </li>
          )}
          {q && shown.length === 0 && !DNS_LABEL.test(q) && <li className="menu-empty">No namespace matches.</li>}
        </ul>
      </Popover>
    </div>
  );
}
