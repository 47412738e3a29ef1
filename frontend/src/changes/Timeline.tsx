import { useEffect, useState } from 'react';
import { api, errorMessage, type ChangeEntry, type ObjectEvent, type Timeline as TimelineData } from '../api';
import { EditYaml } from '../edit/EditYaml';
import { EntryDetail, gapText, managersText, opText, When } from './Entry';

/** Target is the object whose timeline is shown (a details panel's target). */
interface Target {
  kind: string;
  namespace: string;
  name: string;
  key: string;
}

interface Props {
  generation: number;
  target: Target;
  context: string;
  what: string;
  /** events are the object's events (from its details); they join the timeline. */
  events: ObjectEvent[];
  /** version changes when the details were read again (the object or its events changed). */
  version: unknown;
  now: number;
}

type Item =
  | { at: number; type: 'change'; entry: ChangeEntry }
  | { at: number; type: 'event'; event: ObjectEvent }
  | { at: number; type: 'revision'; revision: number; replicaSet: string; images: string[]; current: boolean };

/**
 * TimelineTab is an object's observed changes (from the watch stream),
 * merged with its events and, for Deployments, its rollout revisions,
 * newest first. Each change opens to its field diff. "Observed changes",
 * not an audit log: gaps say when the app was not watching.
 */
export function TimelineTab({ generation, target, context, what, events, version, now }: Props) {
  const [data, setData] = useState<TimelineData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    api.timeline(target.kind, target.namespace, target.name).then(
      (t) => live && (setData(t), setError(null)),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [generation, target.kind, target.namespace, target.name, version]);

  if (restoring !== null) {
    return (
      <div className="timeline-restore" data-testid="timeline-restore">
        <p className="muted pad">The editor holds the live {what} with the change's fields set back. Preview it, then apply.</p>
        <EditYaml generation={generation} target={target} context={context} what={what} restoreSeq={restoring} onDone={() => setRestoring(null)} />
      </div>
    );
  }
  if (error) {
    return (
      <div className="panel-error" role="alert">
        <p>{error}</p>
      </div>
    );
  }
  if (!data) return <p className="muted pad">Loading…</p>;

  const items: Item[] = [];
  for (const e of data.entries) items.push({ at: e.op === 'gap' ? e.gapTo || e.gapFrom || e.time : e.time, type: 'change', entry: e });
  for (const ev of events) items.push({ at: (ev.lastSeen || 0) * 1000, type: 'event', event: ev });
  for (const r of data.revisions ?? []) {
    items.push({ at: r.created * 1000, type: 'revision', revision: r.revision, replicaSet: r.replicaSet, images: r.images ?? [], current: !!r.current });
  }
  items.sort((a, b) => b.at - a.at);

  return (
    <div className="timeline" data-testid="timeline">
      <p className="muted timeline-note">
        Observed changes: what this app saw change while it was watching, not an audit log.
        {data.note ? ' ' + data.note : ''}
        {data.dropped > 0 ? ` ${data.dropped} older changes were dropped (memory budget).` : ''}
      </p>
      <ol className="timeline-list">
        {items.map((it) => {
          if (it.type === 'event') {
            const e = it.event;
            return (
              <li key={'ev' + e.reason + e.lastSeen + e.message} className={'timeline-item event ' + (e.type === 'Warning' ? 'warn' : '')} data-testid="timeline-event">
                <span className="timeline-what">Event {e.reason}</span>
                <span className="timeline-text">{e.message}</span>
                <When ms={it.at} now={now} />
              </li>
            );
          }
          if (it.type === 'revision') {
            return (
              <li key={'rev' + it.revision} className="timeline-item revision" data-testid="timeline-revision">
                <span className="timeline-what">
                  Revision {it.revision}
                  {it.current ? ' (current)' : ''}
                </span>
                <span className="timeline-text mono">
                  {it.replicaSet}: {it.images.join(', ')}
                </span>
                <When ms={it.at} now={now} />
              </li>
            );
          }
          const e = it.entry;
          if (e.op === 'gap') {
            return (
              <li key={'gap' + e.seq} className="timeline-item gap" data-testid="timeline-gap">
                <span className="timeline-text">{gapText(e)}</span>
              </li>
            );
          }
          const expanded = open === e.seq;
          return (
            <li key={'c' + e.seq} className="timeline-item change" data-testid="timeline-change" data-op={e.op}>
              <button type="button" className="timeline-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : e.seq)}>
                <span className="timeline-what">{opText(e)}</span>
                <span className="timeline-text mono">{e.fields.map((f) => f.path).join(', ')}</span>
                <span className="timeline-by">{managersText(e)}</span>
                <When ms={e.time} now={now} />
              </button>
              {expanded && <EntryDetail generation={generation} entry={e} onRestore={setRestoring} />}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
