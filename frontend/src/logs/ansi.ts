// ANSI styles of a log line's spans (parsed in Go) as inline styles. The
// text itself is always rendered as a React text node, never as markup.
import type { CSSProperties } from 'react';
import type { LogSpan } from '../api';

/** The 16 basic colours, readable on both themes. */
const BASIC = [
  '#4b5563', '#dc2626', '#16a34a', '#ca8a04', '#2563eb', '#c026d3', '#0891b2', '#9ca3af',
  '#6b7280', '#ef4444', '#22c55e', '#eab308', '#3b82f6', '#d946ef', '#06b6d4', '#e5e7eb',
];
const LEVELS = [0, 95, 135, 175, 215, 255];
const hex = (n: number) => n.toString(16).padStart(2, '0');

/** colour turns a span's fg/bg ("", "0".."255" or "#rrggbb") into a CSS colour, or undefined. */
export function colour(c: string | undefined): string | undefined {
  if (!c) return undefined;
  if (/^#[0-9a-fA-F]{6}$/.test(c)) return c;
  if (!/^\d{1,3}$/.test(c)) return undefined;
  const n = Number(c);
  if (n < 16) return BASIC[n];
  if (n < 232) {
    const i = n - 16;
    const l = (k: number) => hex(LEVELS[k] ?? 0);
    return '#' + l(Math.floor(i / 36)) + l(Math.floor(i / 6) % 6) + l(i % 6);
  }
  if (n < 256) return '#' + hex(8 + (n - 232) * 10).repeat(3);
  return undefined;
}

/** spanStyle is a span's inline style, or undefined for plain text. */
export function spanStyle(s: LogSpan): CSSProperties | undefined {
  let fg = colour(s.fg);
  let bg = colour(s.bg);
  if (s.inverse) [fg, bg] = [bg ?? 'var(--bg-code)', fg ?? 'var(--fg)'];
  const deco = [s.underline && 'underline', s.strike && 'line-through'].filter(Boolean).join(' ');
  if (!fg && !bg && !s.bold && !s.dim && !s.italic && !deco) return undefined;
  const st: CSSProperties = {};
  if (fg) st.color = fg;
  if (bg) st.backgroundColor = bg;
  if (s.bold) st.fontWeight = 650;
  if (s.dim) st.opacity = 0.65;
  if (s.italic) st.fontStyle = 'italic';
  if (deco) st.textDecoration = deco;
  return st;
}

/** textOf is a line's text without styles. */
export const textOf = (spans: LogSpan[] | undefined): string => (spans ?? []).map((s) => s.text).join('');

/** A stable colour per pod/container tag: the same name always gets the same hue. */
export function tagHue(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return (h >>> 0) % 360;
}
