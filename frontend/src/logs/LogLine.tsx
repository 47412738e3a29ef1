import { memo, type ReactNode } from 'react';
import type { LogSpan, LogWindow } from '../api';
import { spanStyle, tagHue, textOf } from './ansi';
import { ranges } from './search';

type Line = LogWindow['lines'][number];

interface Props {
  line: Line;
  timestamps: boolean;
  /** The pod/container tag to show (logs of several pods or containers), or null. */
  tag: string | null;
  re: RegExp | null;
  current: boolean;
  selected: boolean;
  /** JSON shown pretty-printed. */
  pretty: boolean;
  onToggleJson: (seq: number) => void;
  onPick: (seq: number, extend: boolean) => void;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** stamp is a line's time as local HH:MM:SS.mmm, with the date on hover. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * segments splits spans at the match ranges: every piece is a text node in
 * a span or mark with an inline style. Nothing from the line becomes markup.
 */
function segments(spans: LogSpan[], hits: [number, number][]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  let h = 0;
  spans.forEach((s, i) => {
    const style = spanStyle(s);
    const end = at + s.text.length;
    let pos = at;
    while (pos < end) {
      while ((hits[h]?.[1] ?? Infinity) <= pos) h++;
      const next = hits[h];
      const hit = next && next[0] <= pos ? next : null;
      const stop = hit ? Math.min(end, hit[1]) : Math.min(end, next ? next[0] : end);
      const text = s.text.slice(pos - at, stop - at);
      out.push(
        hit ? (
          <mark key={`${i}:${pos}`} className="log-match" style={style}>
            {text}
          </mark>
        ) : style ? (
          <span key={`${i}:${pos}`} style={style}>
            {text}
          </span>
        ) : (
          text
        ),
      );
      pos = stop;
    }
    at = end;
  });
  return out;
}

function prettyJSON(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** LogLine renders one line: time, pod/container tag, styled text with matches marked, JSON on demand. */
export const LogLine = memo(function LogLine({ line, timestamps, tag, re, current, selected, pretty, onToggleJson, onPick }: Props) {
  const spans = line.spans ?? [];
  const text = textOf(spans);
  const json = pretty && line.json ? prettyJSON(text) : null;
  const who = line.container ? `${line.pod}/${line.container}` : line.pod;
  return (
    <div
      className={'log-line' + (current ? ' current' : '') + (selected ? ' selected' : '') + (json !== null ? ' expanded' : '')}
      data-testid="log-line"
      data-seq={line.seq}
      onClick={(e) => onPick(line.seq, e.shiftKey)}
    >
      {timestamps && (
        <span className="log-time" title={new Date(line.time).toISOString()}>
          {stamp(line.time)}
        </span>
      )}
      {tag !== null && (
        <span className="log-tag" data-testid="log-tag" data-pod={line.pod} style={{ '--tag-hue': tagHue(line.pod) } as React.CSSProperties} title={who}>
          {tag}
        </span>
      )}
      {line.json && (
        <button
          type="button"
          className="log-json"
          title={json ? 'Show as one line' : 'Pretty-print JSON'}
          aria-pressed={json !== null}
          onClick={(e) => {
            e.stopPropagation();
            onToggleJson(line.seq);
          }}
        >
          {'{}'}
        </button>
      )}
      {json !== null ? (
        <pre className="log-text log-pretty">{json}</pre>
      ) : (
        <span className="log-text">
          {segments(spans, ranges(text, re))}
          {line.truncated && <span className="log-truncated"> … (truncated)</span>}
        </span>
      )}
    </div>
  );
});
