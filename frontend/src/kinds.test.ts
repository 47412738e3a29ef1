import { describe, expect, it } from 'vitest';
import { columnsFor, fitColumns, kindInfo, minWidth, trackWidths } from './kinds';

const ids = (cols: { id: string }[]) => cols.map((c) => c.id);

describe('columns', () => {
  it('drop the namespace column when one namespace is shown', () => {
    expect(ids(columnsFor(kindInfo('pods'), ''))).toContain('namespace');
    expect(ids(columnsFor(kindInfo('pods'), 'shop'))).not.toContain('namespace');
  });

  it('drop the least needed columns first when the table is narrow', () => {
    const pods = columnsFor(kindInfo('pods'), '');
    expect(fitColumns(pods, 0)).toBe(pods); // width unknown: all
    expect(fitColumns(pods, 5000)).toBe(pods);
    const w = minWidth(pods);
    expect(ids(fitColumns(pods, w - 1))).toEqual(['name', 'namespace', 'ready', 'status', 'restarts', 'age']);
    expect(ids(fitColumns(pods, 300))).toEqual(['name', 'ready', 'status', 'age']);
  });

  it('keep an event message however narrow', () => {
    expect(ids(fitColumns(columnsFor(kindInfo('events'), ''), 100))).toContain('message');
  });

  it('resolve their tracks to fixed widths as CSS grid would', () => {
    const pods = columnsFor(kindInfo('pods'), ''); // name 3fr, namespace 1fr, ready 64, status 1fr, restarts 76, age 64, node 1fr
    expect(trackWidths(pods, 0)).toBe(pods.map((c) => c.width).join(' '));
    // 1200 - padding 24 - 6 gaps of 12 - 204 fixed = 900 for 6 fr
    expect(trackWidths(pods, 1200)).toBe('450px 150px 64px 150px 76px 64px 150px');
    // 600 for 6 fr would give status 100, below its 110: it keeps 110, the rest share 490
    expect(trackWidths(pods, 900)).toBe('294px 98px 64px 110px 76px 64px 98px');
    // narrower than the minimum: every track at its minimum (the table scrolls sideways)
    expect(trackWidths(pods, 300)).toBe('220px 90px 64px 110px 76px 64px 90px');
    const sum = (t: string) => t.split(' ').reduce((n, x) => n + parseFloat(x), 0);
    for (const w of [777, 1033, 1440, 2560]) expect(sum(trackWidths(pods, w)) + 24 + 72).toBeCloseTo(Math.max(w, minWidth(pods)), 0);
  });
});
