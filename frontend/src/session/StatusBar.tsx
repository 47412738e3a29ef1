import type { ReactNode } from 'react';
import type { KindInfo, SessionStatus } from '../api';
import { age, clock, count, dateAndTime } from '../time';

interface Props {
  status: SessionStatus | null;
  staleSince: number | null;
  kind: string;
  /** The session's kinds by id, for their labels. */
  kinds: ReadonlyMap<string, KindInfo>;
  now: number;
  /** extra items at the end (the port forwards button). */
  extra?: ReactNode;
}

const PHASE_TEXT: Record<string, string> = {
  idle: 'No context',
  connecting: 'Connecting',
  connected: 'Connected',
  error: 'Unreachable',
  reconnecting: 'Reconnecting',
};

/** StatusBar shows the connection, what is synced and watched, and when data last changed. */
export function StatusBar({ status, staleSince, kind, kinds: known, now, extra }: Props) {
  const label = (id: string) => known.get(id)?.label ?? id;
  const phase = status?.phase ?? 'idle';
  const kinds = (status?.kinds ?? []).filter((k) => k.state !== 'pending');
  const cached = kinds.reduce((n, k) => n + (k.count || 0), 0);
  const current = kinds.find((k) => k.kind === kind);
  const synced = kinds.filter((k) => k.state === 'synced').length;
  const failing = kinds.filter((k) => k.state === 'error' || k.state === 'forbidden');
  const detail = kinds.map((k) => `${label(k.kind)}: ${k.state}${k.error ? ` (${k.error})` : ''}, ${k.count}`).join('\n');
  return (
    <footer className="status-bar" data-testid="status-bar" data-phase={phase}>
      <span className={'phase-dot phase-' + phase} aria-hidden="true" />
      <span className="status-item strong" title={status?.server ?? ''}>
        {status?.context || 'No context'}
      </span>
      <span className="status-item">{PHASE_TEXT[phase] ?? phase}</span>
      {staleSince !== null && (
        <span className="status-item stale" data-testid="status-stale" role="alert">
          Disconnected · data stale since {clock(staleSince)}
        </span>
      )}
      {current && (
        <span className={'status-item sync-' + current.state} title={current.error ?? ''}>
          {label(current.kind)} {current.state}
        </span>
      )}
      {kinds.length > 0 && (
        <span className="status-item" title={detail}>
          {synced}/{kinds.length} kinds synced{failing.length > 0 ? ` · ${failing.length} failing` : ''}
        </span>
      )}
      <span className="spacer" />
      {kinds.length > 0 && <span className="status-item">{count(cached)} objects cached</span>}
      {status && status.generation > 0 && (
        <span className="status-item">
          {status.watches} {status.watches === 1 ? 'watch' : 'watches'}
        </span>
      )}
      {status?.lastChange ? (
        <span className="status-item" title={dateAndTime(status.lastChange)}>
          last change {age(Math.floor(status.lastChange / 1000), now)} ago
        </span>
      ) : null}
      {extra}
    </footer>
  );
}
