import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage, MAX_CHANGES_WINDOW, type ChangeEntry, type ChangeFilter, type ChangeWindow } from '../api';
import { count } from '../time';
import { EntryDetail, gapText, managersText, opText, When } from './Entry';

interface Props {
  generation: number;
  /** namespace is the one picked at the top ("" for all). */
  namespace: string;
  now: number;
  /** onOpen opens an entry's object in the details panel. */
  onOpen: (e: ChangeEntry) => void;
}

/**
 * ChangesView is the cluster's or a namespace's observed changes, newest
 * first: a Changes view held in Go (filtered there by kind, namespace,
 * manager, path and text), read a window at a time and read again when
 * its notice says it changed, as tables are.
 */
export function ChangesView({ generation, namespace, now, onOpen }: Props) {
  const [kind, setKind] = useState('');
  const [manager, setManager] = useState('');
  const [path, setPath] = useState('');
  const [text, setText] = useState('');
  const [id, setId] = useState<string | null>(null);
  const [win, setWin] = useState<ChangeWindow | null>(null);
  const [limit, setLimit] = useState(MAX_CHANGES_WINDOW);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const filter: ChangeFilter = { kind, namespace, manager, path, text };
  const key = JSON.stringify(filter);
  const reading = useRef(false);
  const again = useRef(false);

  const read = useCallback(
    (viewId: string) => {
      if (reading.current) {
        again.current = true;
        return;
      }
      reading.current = true;
      const parts: Promise<ChangeWindow>[] = [];
      for (let off = 0; off < limit; off += MAX_CHANGES_WINDOW) parts.push(api.changesWindow(viewId, off, MAX_CHANGES_WINDOW));
      Promise.all(parts)
        .then(
          (ws) => {
            const first = ws[0];
            if (!first || first.generation !== generation) return;
            setWin({ ...first, entries: ws.flatMap((x) => (x.version === first.version ? x.entries : [])) });
          },
          (e: unknown) => setError(errorMessage(e)),
        )
        .finally(() => {
          reading.current = false;
          if (again.current) {
            again.current = false;
            read(viewId);
          }
        });
    },
    [generation, limit],
  );

  useEffect(() => {
    let live = true;
    let viewId = '';
    setError(null);
    api.openChanges(JSON.parse(key) as ChangeFilter).then(
      (info) => {
        viewId = info.id;
        if (!live) {
          void api.closeChanges(info.id);
          return;
        }
        setId(info.id);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
      setId(null);
      if (viewId) void api.closeChanges(viewId).catch(() => undefined);
    };
  }, [generation, key]);

  useEffect(() => {
    if (!id) return;
    read(id);
    return api.onChangesChanged((n) => {
      if (n.viewId === id && n.generation === generation) read(id);
    });
  }, [id, generation, read]);

  const entries = win?.entries ?? [];
  return (
    <div className="changes-view" data-testid="changes-view">
      <div className="toolbar">
        <div className="title">
          <h1>Observed changes</h1>
          <span className="muted" data-testid="changes-count">
            {win ? `${count(win.count)} ${namespace ? 'in ' + namespace : 'in all namespaces'}` : ''}
          </span>
        </div>
        <div className="filters">
          <input className="field" data-testid="changes-kind" placeholder="Kind (deployments)" value={kind} spellCheck={false} aria-label="Kind" onChange={(e) => setKind(e.target.value.trim())} />
          <input className="field" data-testid="changes-manager" placeholder="Field manager" value={manager} spellCheck={false} aria-label="Field manager" onChange={(e) => setManager(e.target.value)} />
          <input className="field" data-testid="changes-path" placeholder="Field path (spec.replicas)" value={path} spellCheck={false} aria-label="Field path" onChange={(e) => setPath(e.target.value)} />
          <input className="field" data-testid="changes-text" placeholder="Text" value={text} spellCheck={false} aria-label="Text" onChange={(e) => setText(e.target.value)} />
        </div>
      </div>
      <p className="muted timeline-note">
        What this app saw change in the watch stream while it was connected, newest first; not an audit log.
        {win && win.dropped > 0 ? ` ${count(win.dropped)} older changes were dropped (memory budget, Settings).` : ''}
      </p>
      {error && (
        <p className="panel-error" role="alert">
          {error}
        </p>
      )}
      <ol className="changes-list" data-testid="changes-list">
        {entries.map((e) => {
          if (e.op === 'gap') {
            return (
              <li key={e.seq} className="timeline-item gap" data-testid="changes-gap">
                {gapText(e)}
              </li>
            );
          }
          const expanded = open === e.seq;
          return (
            <li key={e.seq} className="timeline-item change" data-testid="changes-row" data-kind={e.kind} data-name={e.name} data-namespace={e.namespace} data-seq={e.seq} data-time={e.time}>
              <button type="button" className="timeline-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : e.seq)}>
                <When ms={e.time} now={now} />
                <span className="timeline-what">
                  {e.kindLabel} {e.namespace ? e.namespace + '/' : ''}
                  {e.name}
                </span>
                <span className="timeline-text">
                  {opText(e)}
                  {e.fields.length > 0 ? ': ' : ''}
                  <span className="mono">{e.fields.map((f) => f.path).join(', ')}</span>
                </span>
                <span className="timeline-by">{managersText(e)}</span>
              </button>
              {expanded && (
                <>
                  <EntryDetail generation={generation} entry={e} />
                  {e.op !== 'deleted' && (
                    <button type="button" className="link-button" data-testid="changes-open-object" onClick={() => onOpen(e)}>
                      Open {e.name}
                    </button>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ol>
      {win && win.count > entries.length && (
        <button type="button" className="button" onClick={() => setLimit((l) => l + MAX_CHANGES_WINDOW)}>
          Show older
        </button>
      )}
    </div>
  );
}
