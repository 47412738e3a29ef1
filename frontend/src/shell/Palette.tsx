import { useEffect, useMemo, useRef, useState } from 'react';

export interface Command {
  id: string;
  group: string;
  label: string;
  hint?: string;
  /** Other words the command is found by (a kind's API kind, plural and short names). */
  keywords?: string[];
  /** Why the command cannot run now, if it cannot: shown, disabled. */
  disabled?: string;
  run: () => void;
}

interface Props {
  commands: Command[];
  onClose: () => void;
}

/** rank scores how well a query matches a label: prefix, then word start, then substring, then in-order letters. */
export function rank(label: string, query: string): number {
  const l = label.toLowerCase();
  const q = query.trim().toLowerCase();
  if (!q) return 1;
  if (l.startsWith(q)) return 4;
  if (l.includes(' ' + q) || l.includes('-' + q) || l.includes('/' + q)) return 3;
  if (l.includes(q)) return 2;
  let i = 0;
  for (const ch of l) if (ch === q[i]) i++;
  return i === q.length ? 1 : 0;
}

/** score is how well a command matches a query: by its label, its group and label, or one of its keywords. */
export function score(c: Command, query: string): number {
  let s = Math.max(rank(c.label, query), rank(`${c.group} ${c.label}`, query) - 1);
  for (const k of c.keywords ?? []) s = Math.max(s, rank(k, query));
  return s;
}

/** Palette is the Ctrl/Cmd+K command palette: go to a kind, pick a namespace, switch context. */
export function Palette({ commands, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => input.current?.focus(), []);
  const shown = useMemo(() => {
    const scored = commands.map((c) => ({ c, s: score(c, query) })).filter((x) => x.s > 0);
    scored.sort((a, b) => b.s - a.s);
    return scored.slice(0, 50).map((x) => x.c);
  }, [commands, query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);
  const run = (c: Command | undefined) => {
    if (!c || c.disabled) return;
    onClose();
    c.run();
  };
  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div className="palette" data-testid="palette" role="dialog" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          className="palette-input"
          data-testid="palette-input"
          placeholder="Go to a kind, namespace or context…"
          value={query}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(shown.length - 1, a + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(shown[active]);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              onClose();
            }
          }}
        />
        <ul className="palette-list" role="listbox" ref={list}>
          {shown.length === 0 && <li className="menu-empty">Nothing matches.</li>}
          {shown.map((c, i) => (
            <li key={c.id}>
              <button
                type="button"
                role="option"
                aria-selected={i === active}
                className={'palette-item' + (i === active ? ' active' : '')}
                data-testid="palette-item"
                aria-disabled={c.disabled ? true : undefined}
                title={c.disabled}
                onMouseEnter={() => setActive(i)}
                onClick={() => run(c)}
              >
                <span className="palette-group">{c.group}</span>
                <span className="palette-label" title={c.label}>
                  {c.label}
                </span>
                {c.hint && <span className="palette-note">{c.hint}</span>}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
