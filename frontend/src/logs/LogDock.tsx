import { useCallback, useEffect, useRef, useState } from 'react';
import { LogViewer, type LogSubject } from './LogViewer';

export interface LogTab {
  key: string;
  subject: LogSubject;
}

const MIN_HEIGHT = 140;

/**
 * useLogDock holds the dock's tabs: opening a subject already docked shows
 * its tab; a new session (generation) closes them all, and each viewer
 * closes its log view as it unmounts.
 */
export function useLogDock(generation: number) {
  const [tabs, setTabs] = useState<LogTab[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [height, setHeight] = useState(300);
  useEffect(() => {
    setTabs([]);
    setActive(null);
  }, [generation]);
  const open = useCallback((s: LogSubject) => {
    const key = `${s.kind}|${s.namespace}|${s.name}`;
    setTabs((t) => (t.some((x) => x.key === key) ? t : [...t, { key, subject: s }]));
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
  return { tabs, active, setActive, open, close, height, setHeight };
}

export type LogDockState = ReturnType<typeof useLogDock>;

/** LogDock is the bottom dock: a tab per open log, every viewer kept mounted (and following) while hidden. */
export function LogDock({ dock, generation, kindLabel }: { dock: LogDockState; generation: number; kindLabel: (kind: string) => string }) {
  const { tabs, active, setActive, close, height, setHeight } = dock;
  const drag = useRef<{ y: number; h: number } | null>(null);
  if (tabs.length === 0) return null;
  return (
    <section className="dock" data-testid="log-dock" style={{ height }} aria-label="Logs">
      <div
        className="dock-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the logs"
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
        {tabs.map((t) => (
          <div key={t.key} className={'dock-tab' + (t.key === active ? ' active' : '')} data-testid="log-dock-tab" data-key={t.key}>
            <button type="button" role="tab" aria-selected={t.key === active} className="dock-tab-name" title={`${kindLabel(t.subject.kind)} ${t.subject.namespace}/${t.subject.name}`} onClick={() => setActive(t.key)}>
              <span className="dock-tab-kind">{kindLabel(t.subject.kind)}</span> {t.subject.name}
            </button>
            <button type="button" className="icon-button small" data-testid="log-dock-close" aria-label={`Close the logs of ${t.subject.name}`} onClick={() => close(t.key)}>
              ×
            </button>
          </div>
        ))}
      </div>
      {tabs.map((t) => (
        <div key={t.key} className="dock-body" hidden={t.key !== active} role="tabpanel">
          <LogViewer subject={t.subject} generation={generation} />
        </div>
      ))}
    </section>
  );
}
