import { useState } from 'react';
import { api, errorMessage, type ChangeEntry, type FieldChange } from '../api';
import { age, dateAndTime } from '../time';

/** opText says what an entry is, for people. */
export function opText(e: ChangeEntry): string {
  switch (e.op) {
    case 'created':
      return 'Created';
    case 'deleted':
      return 'Deleted';
    case 'gap':
      return 'Not observed';
    default:
      return `${e.fields.length + (e.moreFields ?? 0)} field${e.fields.length + (e.moreFields ?? 0) === 1 ? '' : 's'} changed`;
  }
}

/** gapText says what a gap did not observe. */
export function gapText(e: ChangeEntry): string {
  const what = e.kindLabel ? `${e.kindLabel}: ` : '';
  const from = e.gapFrom ? dateAndTime(e.gapFrom) : '';
  const to = e.gapTo ? dateAndTime(e.gapTo) : '';
  if (!from) return `${what}not observed before ${to} (${e.reason})`;
  if (!to) return `${what}not observed from ${from} until the watch recovered (${e.reason})`;
  return `${what}not observed between ${from} and ${to} (${e.reason})`;
}

/** managersText names an entry's field managers ("kubectl (Update, scale)"). */
export function managersText(e: ChangeEntry, idx?: number[]): string {
  const ms = idx ? idx.flatMap((i) => (e.managers[i] ? [e.managers[i]] : [])) : e.managers;
  return ms.map((m) => `${m.name} (${m.operation}${m.subresource ? ', ' + m.subresource : ''})`).join(', ');
}

function value(f: FieldChange, v: string): string {
  if (f.hidden) return 'changed';
  return v === '' ? '—' : v;
}

/** FieldDiff lists an entry's changed fields: path, old → new, managers; now (compare) when given. */
export function FieldDiff({ entry, now }: { entry: ChangeEntry; now?: string[] }) {
  return (
    <table className="field-diff" data-testid="field-diff">
      <thead>
        <tr>
          <th>Field</th>
          <th>Before</th>
          <th>After</th>
          {now && <th>Now</th>}
          <th>Manager</th>
        </tr>
      </thead>
      <tbody>
        {entry.fields.map((f, i) => (
          <tr key={f.path} data-testid="field-diff-row" data-path={f.path}>
            <td className="mono">{f.path}</td>
            <td className="mono old">{value(f, f.old)}</td>
            <td className="mono new">{value(f, f.new)}</td>
            {now && <td className="mono">{now[i] === '' ? '—' : now[i]}</td>}
            <td>{managersText(entry, f.managers ?? []) || <span className="muted">not known</span>}</td>
          </tr>
        ))}
        {(entry.moreFields ?? 0) > 0 && (
          <tr>
            <td colSpan={now ? 5 : 4} className="muted">
              and {entry.moreFields} more
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** restorable says whether an entry offers "compare with now" and "restore these fields". */
export const restorable = (e: ChangeEntry) => e.op === 'updated' && (e.kind === 'deployments' || e.kind === 'configmaps');

/**
 * EntryDetail is an entry expanded: the whole entry read again (every
 * field), its diff, and for Deployments and ConfigMaps "Compare with now"
 * and "Restore these fields" (which opens the editor: preview, confirm).
 */
export function EntryDetail({ generation, entry, onRestore }: { generation: number; entry: ChangeEntry; onRestore?: (seq: number) => void }) {
  const [full, setFull] = useState<ChangeEntry>(entry);
  const [now, setNow] = useState<string[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  if (!loaded && entry.op === 'updated' && (entry.moreFields ?? 0) > 0) {
    setLoaded(true);
    api.changeEntry(entry.seq).then(setFull, (e: unknown) => setError(errorMessage(e)));
  }
  return (
    <div className="entry-detail" data-testid="entry-detail">
      {full.op === 'updated' && <FieldDiff entry={full} now={now} />}
      {full.op !== 'updated' && full.managers.length > 0 && <p className="muted">By {managersText(full)}</p>}
      {restorable(full) && (
        <div className="entry-actions">
          <button
            type="button"
            className="button small"
            data-testid="change-compare"
            onClick={() =>
              api.compareChange(generation, full.seq).then(
                (c) => {
                  setFull(c.entry);
                  setNow(c.exists ? c.now : c.entry.fields.map(() => ''));
                  setError(c.exists ? null : 'The object no longer exists.');
                },
                (e: unknown) => setError(errorMessage(e)),
              )
            }
          >
            Compare with now
          </button>
          {onRestore && (
            <button type="button" className="button small" data-testid="change-restore" title="Open the editor with these fields set back; preview, then apply" onClick={() => onRestore(full.seq)}>
              Restore these fields…
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="panel-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** When shows an entry's time: how long ago, the date on hover. */
export function When({ ms, now }: { ms: number; now: number }) {
  return (
    <time className="muted" title={dateAndTime(ms)}>
      {age(Math.floor(ms / 1000), now)} ago
    </time>
  );
}
