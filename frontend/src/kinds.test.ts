import { describe, expect, it } from 'vitest';
import { columnsFor, fitColumns, kindInfo, minWidth } from './kinds';

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
});
