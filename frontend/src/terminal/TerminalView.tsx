import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import '@xterm/xterm/css/xterm.css';
import { api, errorMessage, type TerminalEnded, type TerminalInfo, type TerminalOutput } from '../api';
import { openNodeShellOnce } from './openNodeShell';
import { terminalFontSize } from './fontSize';
import { InputQueue } from './inputQueue';
import { Acks } from './acks';

/**
 * Where a terminal opens: a pod, or a Ready pod of a workload or Service
 * (found when it opens); optionally its container. A node shell's subject
 * is the node and the plan of its pod, which the terminal creates when it
 * opens (and deletes when it closes).
 */
export interface TerminalSubject {
  kind: string;
  namespace: string;
  name: string;
  container?: string;
  nodeShell?: { planId: string; namespace: string; pod: string };
}

/** The most output events kept while the terminal's id is not yet known. */
const MAX_EARLY = 1024;
const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** plain keeps a cluster's text from steering the terminal: no escape or control characters. */
const plain = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

/** endedText says how a terminal ended, for the terminal's last line and the toolbar. */
export function endedText(e: TerminalEnded): string {
  if (e.exited) return `exited with code ${e.exitCode}`;
  return `ended: ${plain(e.reason ?? 'the stream closed')}`;
}

/** parseCommand splits an override command at white space ("" = the automatic shell). */
export function parseCommand(text: string): string[] {
  return text.trim() === '' ? [] : text.trim().split(/\s+/);
}

function theme(el: HTMLElement) {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim() || undefined;
  return { background: v('--bg-code'), foreground: v('--fg'), cursor: v('--fg'), selectionBackground: v('--bg-selected') };
}

/**
 * TerminalView is one terminal in a pod's container: xterm.js fed by the
 * backend's batched terminal:output events (written as data, never markup),
 * input sent in order through an InputQueue, its size fitted to the dock
 * and sent on every change. Links open in the system browser on click.
 * Copy and paste: Ctrl+Shift+C / Ctrl+Shift+V (Cmd+C / Cmd+V on macOS).
 * The terminal is closed when the view unmounts or reopens (another
 * container, another command, Restart).
 */
export function TerminalView({ subject, generation }: { subject: TerminalSubject; generation: number }) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [info, setInfo] = useState<TerminalInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState<TerminalEnded | null>(null);
  // The container asked for ("" = the pod's default); the one it runs in is info.container.
  const [container, setContainer] = useState(subject.container ?? '');
  const [commandText, setCommandText] = useState('');
  const [command, setCommand] = useState<string[]>([]);
  const [run, setRun] = useState(0);
  const [query, setQuery] = useState('');
  const fontSize = useSyncExternalStore(terminalFontSize.subscribe, terminalFontSize.get);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    setInfo(null);
    setError(null);
    setEnded(null);
    const term = new Terminal({ fontSize: terminalFontSize.get(), fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace', cursorBlink: true, scrollback: 5000, theme: theme(el), allowProposedApi: true });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(
      new WebLinksAddon((event, uri) => {
        event.preventDefault();
        if (/^https?:\/\//i.test(uri)) api.openURL(uri);
      }),
    );
    term.open(el);
    termRef.current = term;
    searchRef.current = search;
    const visible = () => el.offsetWidth > 0 && el.offsetHeight > 0;
    if (visible()) fit.fit();

    let id: string | null = null;
    let closed = false;
    const early: (TerminalOutput | TerminalEnded)[] = [];
    // The backend sends a few outputs ahead of what xterm.js has taken;
    // each acknowledgement lets more come.
    const acks = new Acks((seq) => (id ? api.terminalAck(id, seq) : Promise.resolve()));
    const write = (o: TerminalOutput) => term.write(o.data, () => acks.wrote(o.seq));
    const end = (e: TerminalEnded) => {
      term.write(`\r\n\x1b[2m[${endedText(e)}]\x1b[0m\r\n`);
      setEnded(e);
    };
    const mine = (x: { id: string; generation: number }) => x.generation === generation && x.id === id;
    const offOutput = api.onTerminalOutput((o) => {
      if (id === null) {
        if (o.generation === generation && early.length < MAX_EARLY) early.push(o);
      } else if (mine(o)) write(o);
    });
    const offEnded = api.onTerminalEnded((e) => {
      if (id === null) {
        if (e.generation === generation && early.length < MAX_EARLY) early.push(e);
      } else if (mine(e)) end(e);
    });

    const input = new InputQueue(
      (d) => (id ? api.terminalInput(id, d) : Promise.resolve()),
      (e) => setError(errorMessage(e)),
    );
    const onData = term.onData((d) => {
      if (id && !input.push(d)) setError('Too much input is waiting for the terminal; paste less at once.');
    });
    const onResize = term.onResize(({ cols, rows }) => {
      if (id) api.resizeTerminal(id, cols, rows).catch(() => undefined);
    });
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      // The terminal owns its keys: none reaches the app's shortcuts.
      e.stopPropagation();
      const mod = isMac ? e.metaKey && !e.ctrlKey : e.ctrlKey && e.shiftKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'c' && term.hasSelection()) {
        e.preventDefault();
        api.setClipboardText(term.getSelection()).catch(() => undefined);
        return false;
      }
      if (mod && key === 'v') {
        e.preventDefault();
        api.clipboardText().then(
          (t) => t && term.paste(t),
          () => undefined,
        );
        return false;
      }
      return true;
    });

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (visible()) fit.fit();
      });
    });
    observer.observe(el);

    // A node shell's terminal (and its pod) is closed by release.
    const shell = subject.nodeShell ? openNodeShellOnce(subject.nodeShell.planId, term.cols, term.rows) : null;
    (shell
      ? shell.info
      : api
          .terminalPod(subject.kind, subject.namespace, subject.name)
          .then((pod) => (closed ? Promise.reject(new Error('closed')) : api.openTerminal({ namespace: subject.namespace, pod, container, command, cols: term.cols, rows: term.rows })))
    ).then(
        (t) => {
          if (closed) {
            if (!shell) api.closeTerminal(t.id).catch(() => undefined);
            return;
          }
          // The size may have changed while a node shell's pod started.
          if (shell) api.resizeTerminal(t.id, term.cols, term.rows).catch(() => undefined);
          id = t.id;
          setInfo(t);
          for (const x of early.splice(0)) {
            if (!mine(x)) continue;
            if ('seq' in x) write(x);
            else end(x);
          }
          if (visible()) term.focus();
        },
        (e: unknown) => {
          if (!closed) setError(errorMessage(e));
        },
      );

    return () => {
      closed = true;
      observer.disconnect();
      cancelAnimationFrame(frame);
      offOutput();
      offEnded();
      onData.dispose();
      onResize.dispose();
      if (shell) shell.release();
      else if (id) api.closeTerminal(id).catch(() => undefined);
      termRef.current = null;
      searchRef.current = null;
      term.dispose();
    };
  }, [generation, subject.kind, subject.namespace, subject.name, subject.nodeShell, container, command, run]);

  useEffect(() => {
    const term = termRef.current;
    if (term && term.options.fontSize !== fontSize) term.options.fontSize = fontSize;
  }, [fontSize]);

  const find = (backward: boolean) => {
    const s = searchRef.current;
    if (!s || query === '') return;
    if (backward) s.findPrevious(query);
    else s.findNext(query);
  };

  return (
    <div className="terminal-view" data-testid="terminal" data-terminal-id={info?.id} data-ended={ended ? 'true' : undefined}>
      <div className="terminal-toolbar">
        {subject.nodeShell ? (
          <span className="muted" data-testid="terminal-node-shell">
            Pod {subject.nodeShell.namespace}/{subject.nodeShell.pod}: deleted when this tab closes
          </span>
        ) : (
          <>
            <label className="muted">
              Container{' '}
              <select
                data-testid="terminal-container"
                value={info?.container ?? container}
                disabled={!info || info.containers.length < 2}
                onChange={(e) => setContainer(e.target.value)}
              >
                {(info?.containers ?? [container]).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <input
              className="terminal-command"
              data-testid="terminal-command"
              placeholder="bash, else sh"
              aria-label="Command instead of the shell"
              spellCheck={false}
              value={commandText}
              onChange={(e) => setCommandText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  setCommand(parseCommand(commandText));
                  setRun((n) => n + 1);
                }
              }}
            />
            <button
              type="button"
              className="button"
              data-testid="terminal-restart"
              title="Close this terminal and open it again (with the command, if any)"
              onClick={() => {
                setCommand(parseCommand(commandText));
                setRun((n) => n + 1);
              }}
            >
              Restart
            </button>
          </>
        )}
        <input
          className="terminal-search"
          data-testid="terminal-search"
          placeholder="Search"
          aria-label="Search the terminal"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e.shiftKey);
          }}
        />
        <span className="terminal-state muted" data-testid="terminal-state" role="status">
          {error ? '' : ended ? endedText(ended) + (subject.nodeShell ? ' · the pod is deleted' : '') : info ? (info.node ? `node/${info.node}` : `${info.pod} · ${info.container}`) : subject.nodeShell ? 'Creating the pod and waiting for it to run…' : 'Connecting…'}
        </span>
        {error && (
          <span className="error" role="alert" data-testid="terminal-error">
            {error}
          </span>
        )}
      </div>
      <div className="terminal-host" ref={host} />
    </div>
  );
}
