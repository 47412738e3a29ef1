import { describe, expect, it } from 'vitest';
import { age, clock, count, dateAndTime, shortDuration } from './time';

describe('age', () => {
  const now = 1_000_000_000_000;
  const ago = (s: number) => age(now / 1000 - s, now);
  it.each([
    [5, '5s'], [119, '119s'], [125, '2m5s'], [600, '10m'], [3 * 3600 + 60, '3h1m'], [9 * 3600, '9h'],
    [2 * 86400 + 3600, '2d1h'], [30 * 86400, '30d'], [800 * 86400, '2y70d'],
  ])('%i seconds ago is %s', (s, want) => expect(ago(s)).toBe(want));
  it('is empty for an unknown time and never negative', () => {
    expect(age(0, now)).toBe('');
    expect(age(now / 1000 + 60, now)).toBe('0s');
  });
});

describe('shortDuration', () => {
  it.each([
    ['1m30s', '90s'], ['2h0m0s', '120m'], ['9h0m0s', '9h'], ['3h25m10s', '3h25m'], ['45s', '45s'], ['1.5h', '90m'], ['26h', '26h'],
    ['250ms', '250ms'], ['0s', '0s'], ['-3s', '-3s'], ['', ''], ['soon', 'soon'], ['12', '12'],
  ])('%s is %s', (d, want) => expect(shortDuration(d)).toBe(want));
});

describe('formatters', () => {
  it('format like the locale methods they replace', () => {
    expect(count(50_000)).toBe((50_000).toLocaleString());
    expect(clock(1_000_000_000_000)).toBe(new Date(1_000_000_000_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }));
    expect(dateAndTime(1_000_000_000_000)).toContain(clock(1_000_000_000_000).slice(0, 2));
  });
});
