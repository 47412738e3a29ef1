import { describe, expect, it, vi } from 'vitest';
import { colour, spanStyle, tagHue } from './ansi';
import { compile, Matches, ranges, type SearchSource } from './search';

describe('search', () => {
  it('finds substrings literally and regular expressions as such, with the case toggle', () => {
    expect(ranges('a.b a.b axb', compile({ text: 'a.b' }))).toEqual([[0, 3], [4, 7]]);
    expect(ranges('a.b axb', compile({ text: 'a.b', regexp: true }))).toEqual([[0, 3], [4, 7]]);
    expect(ranges('Error error', compile({ text: 'error', caseSensitive: true }))).toEqual([[6, 11]]);
    expect(ranges('Error error', compile({ text: 'error' }))).toEqual([[0, 5], [6, 11]]);
    expect(compile({ text: '(', regexp: true })).toBeNull();
    expect(ranges('abc', compile({ text: 'x*', regexp: true }))).toEqual([]); // empty matches never loop
  });

  it('scans in Go from where it stopped and steps through matches, wrapping', async () => {
    const calls: number[] = [];
    const source: SearchSource = {
      search: vi.fn(async (_id, _q, from: number) => {
        calls.push(from);
        return from === 1 ? { seqs: [3, 7], next: 8 } : from === 8 ? { seqs: [12], next: 0 } : { seqs: [20], next: 0 };
      }),
      filter: vi.fn(),
    };
    const m = new Matches(source, 'l1', { text: 'x' }, 1, () => undefined);
    m.scan(15);
    await vi.waitFor(() => expect(m.seqs).toEqual([3, 7, 12]));
    expect(m.step(1, 5)).toBe(7); // the first match after the line on screen
    expect(m.step(1, 0)).toBe(12);
    expect(m.step(1, 0)).toBe(3); // wraps
    expect(m.step(-1, 0)).toBe(12); // and back
    m.scan(25); // new lines: only they are searched
    await vi.waitFor(() => expect(m.seqs).toEqual([3, 7, 12, 20]));
    expect(calls).toEqual([1, 8, 15]);
    m.forget(8);
    expect(m.seqs).toEqual([12, 20]);
  });
});

describe('ansi', () => {
  it('maps palette indexes and hex colours, and rejects anything else', () => {
    expect(colour('1')).toBe('#dc2626');
    expect(colour('196')).toBe('#ff0000');
    expect(colour('232')).toBe('#080808');
    expect(colour('#12abEF')).toBe('#12abEF');
    expect(colour('red; background:url(x)')).toBeUndefined();
    expect(colour('999')).toBeUndefined();
    expect(spanStyle({ text: 'x' })).toBeUndefined();
    expect(spanStyle({ text: 'x', fg: '2', bold: true, underline: true, strike: true })).toEqual({
      color: '#16a34a', fontWeight: 650, textDecoration: 'underline line-through',
    });
  });

  it('gives a pod the same tag colour every time', () => {
    expect(tagHue('web-7d9f-abc')).toBe(tagHue('web-7d9f-abc'));
    expect(tagHue('web-7d9f-abc')).not.toBe(tagHue('web-7d9f-abd'));
  });
});
