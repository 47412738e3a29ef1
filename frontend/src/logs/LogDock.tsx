import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { TerminalSubject } from '../terminal/TerminalView';
import { LogViewer, type LogSubject } from './LogViewer';

// xterm.js is loaded only when a terminal is first opened.
const TerminalView = lazy(() => import('../terminal/TerminalView').then((m) => ({ default: m.TerminalView })));

/** A dock tab: an object's logs, or a terminal in a pod (a node shell's among them). */
export type DockTab = { key: string; type: 'logs'; subject: LogSubject } | { key: string; type: 'terminal'; terminal: TerminalSubject };

const MIN_HEIGHT = 140;

/**
 * useLogDock holds the dock's tabs: opening logs already docked shows their
 * tab; every terminal opened is a tab of its own. A new session
 * (generation) closes them all, and each viewer or terminal closes its
 * stream as it unmounts.
 */
export function useLogDock(generation: number) {
  const [tabs, setTabs] = useState<DockTab[]>([]);
  const terminals = useRef(0);
  const [active, setActive] = useState<string | null>(null);
  const [height, setHeight] = useState(300);
  useEffect(() => {
    setTabs([]);
    setActive(null);
  }, [generation]);
  const open = useCallback((s: LogSubject) => {
    const key = `${s.kind}|${s.namespace}|${s.name}`;
    setTabs((t) => (t.some((x) => x.key === key) ? t : [...t, { key, type: 'logs', subject: s }]));
    setActive(key);
  }, []);
  const openTerminal = useCallback((s: TerminalSubject) => {
    terminals.current++;
    const key = `terminal|${s.kind}|${s.namespace}|${s.name}|${terminals.current}`;
    setTabs((t) => [...t, { key, type: 'terminal', terminal: s }]);
    setActive(key);
  }, []);
  const close = useCallback((key: string) => {
    setTabs((t) => {
      const i = t.findIndex((x) => x.key === key);
      const rest = t.filter((x) => x.key !== key);
      setActive((a) => (a === key ? (rest[Math.min(i, rest.length - 1)]?.key ?? null) : a));
      return rest;
    });
  }, []);
  return { tabs, active, setActive, open, openTerminal, close, height, setHeight };
}

export type LogDockState = ReturnType<typeof useLogDock>;

/** LogDock is the bottom dock: a tab per open log or terminal, each kept mounted (following, connected) while hidden. */
export function LogDock({ dock, generation, kindLabel }: { dock: LogDockState; generation: number; kindLabel: (kind: string) => string }) {
  const { tabs, active, setActive, close, height, setHeight } = dock;
  const drag = useRef<{ y: number; h: number } | null>(null);
  if (tabs.length === 0) return null;
  return (
    <section className="dock" data-testid="log-dock" style={{ height }} aria-label="Logs and terminals">
      <div
        className="dock-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the dock"
        data-testid="log-dock-resize"
        onPointerDown={(e) => {
          drag.current = { y: e.clientY, h: height };
          e.currentTarget.setPointerCapture?.(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const max = Math.max(MIN_HEIGHT, window.innerHeight - 160);
          setHeight(Math.min(max, Math.max(MIN_HEIGHT, d.h + d.y - e.clientY)));
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
      />
      <div className="dock-tabs" role="tablist">
        {tabs.map((t) => {
          const shell = t.type === 'terminal' && t.terminal.nodeShell;
          const [what, namespace, name] =
            t.type === 'logs' ? [kindLabel(t.subject.kind), t.subject.namespace, t.subject.name] : shell ? ['Shell', '', `node/${t.terminal.name}`] : ['Terminal', t.terminal.namespace, t.terminal.name];
          return (
            <div key={t.key} className={'dock-tab' + (t.key === active ? ' active' : '')} data-testid="log-dock-tab" data-key={t.key} data-type={t.type}>
              <button type="button" role="tab" aria-selected={t.key === active} className="dock-tab-name" title={shell ? `Shell on ${name} (pod ${shell.namespace}/${shell.pod})` : `${what} ${namespace}/${name}`} onClick={() => setActive(t.key)}>
                <span className="dock-tab-kind">{what}</span> {name}
              </button>
              <button
                type="button"
                className="icon-button small"
                data-testid="log-dock-close"
                aria-label={t.type === 'logs' ? `Close the logs of ${name}` : shell ? `Close the shell on ${name} and delete its pod` : `Close the terminal in ${name}`}
                onClick={() => close(t.key)}
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      {tabs.map((t) => (
        <div key={t.key} className="dock-body" hidden={t.key !== active} role="tabpanel">
          {t.type === 'logs' ? <LogViewer subject={t.subject} generation={generation} /> : (
            <Suspense fallback={<p className="muted pad">Loading the terminal…</p>}>
              <TerminalView subject={t.terminal} generation={generation} />
            </Suspense>
          )}
        </div>
      ))}
    </section>
  );
}
