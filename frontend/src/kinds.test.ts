import { describe, expect, it } from 'vitest';
import type { Column, KindInfo, Row } from './api';
import { columnsFor, detailColumns, fitColumns, formatCell, minWidth, trackWidths, visibleColumns } from './kinds';
import { kindsById } from './test/kindsFixture';

const ids = (cols: { id: string }[]) => cols.map((c) => c.id);
const kind = (id: string) => kindsById.get(id)!;
const one = (c: Column): KindInfo => ({ id: 'things', kind: 'Thing', label: 'Things', nav: 'Custom resources', version: 'v1', resource: 'things', namespaced: true, columns: [c] });
const drawn = (c: Column) => columnsFor(one(c), '')[0]!;

describe('columns', () => {
  it('take their width, alignment and place in the drop order from their type', () => {
    const cases: [Column, string, 'end' | undefined, number | undefined][] = [
      [{ id: 'name', title: 'Name', type: 'text' }, 'minmax(220px, 3fr)', undefined, undefined],
      [{ id: 'namespace', title: 'Namespace', type: 'text' }, 'minmax(90px, 1fr)', undefined, 1],
      [{ id: 'engine', title: 'Engine', type: 'text' }, 'minmax(90px, 1fr)', undefined, 2],
      [{ id: 'message', title: 'Message', type: 'text', wide: true }, 'minmax(180px, 3fr)', undefined, undefined],
      [{ id: 'phase', title: 'Phase', type: 'text', health: true }, 'minmax(110px, 1fr)', undefined, undefined],
      [{ id: 'age', title: 'Age', type: 'timestamp' }, '64px', 'end', undefined],
      [{ id: 'lastBackup', title: 'Last backup', type: 'timestamp' }, '101px', 'end', undefined],
      [{ id: 'replicas', title: 'Replicas', type: 'integer' }, '80px', 'end', 2],
      [{ id: 'ratio', title: 'Ratio', type: 'number' }, '72px', 'end', 2],
      [{ id: 'size', title: 'Size', type: 'quantity' }, '72px', 'end', 2],
      [{ id: 'duration', title: 'Duration', type: 'duration' }, '80px', 'end', 2],
      [{ id: 'succeeded', title: 'Succeeded', type: 'boolean' }, '87px', undefined, 2],
      [{ id: 'odd', title: 'Odd', type: 'colour' }, 'minmax(90px, 1fr)', undefined, 2],
    ];
    for (const [c, width, align, drop] of cases) {
      const d = drawn(c);
      expect([c.id, d.width, d.align, d.drop]).toEqual([c.id, width, align, drop]);
      expect(d.header).toBe(c.title);
    }
  });

  it('format cells by type: ages, short durations, blanks; the rest as sent', () => {
    const now = 1_700_000_000_000;
    expect(formatCell('timestamp', String(now / 1000 - 300), now)).toBe('5m');
    expect(formatCell('timestamp', '0', now)).toBe('');
    expect(formatCell('timestamp', '', now)).toBe('');
    expect(formatCell('duration', '1m30s', now)).toBe('90s');
    expect(formatCell('integer', '3', now)).toBe('3');
    expect(formatCell('quantity', '250m', now)).toBe('250m');
    expect(formatCell('boolean', 'false', now)).toBe('false');
    expect(formatCell('text', undefined, now)).toBe('');
    // A row's cell is read by position.
    const backups = columnsFor(kind('backups.data.crowsnest.io'), '');
    const r: Row = { key: 'shop/nightly', kind: 'backups.data.crowsnest.io', name: 'nightly', uid: 'u', created: 0, health: 'ok',
      cells: ['nightly', 'shop', 'orders-db', '0 2 * * *', String(now / 1000 - 7200), '1Gi', 'true', String(now / 1000 - 86400)] };
    expect(backups.map((c) => c.text(r, now))).toEqual(['nightly', 'shop', 'orders-db', '0 2 * * *', '120m', '1Gi', 'true', '24h']);
  });

  it('are worked out once per kind', () => {
    const pods = kind('pods');
    expect(columnsFor(pods, '')).toBe(columnsFor(pods, ''));
    expect(columnsFor(pods, 'shop')).toBe(columnsFor(pods, 'shop'));
  });

  it('drop the namespace column when one namespace is shown', () => {
    expect(ids(columnsFor(kind('pods'), ''))).toContain('namespace');
    expect(ids(columnsFor(kind('pods'), 'shop'))).not.toContain('namespace');
  });

  it('show priority columns only when the table has room for every column, and always in details', () => {
    const db = columnsFor(kind('databases.data.crowsnest.io'), '');
    const all = ids(db);
    const main = all.filter((id) => id !== 'endpoint');
    expect(ids(visibleColumns(db, 0))).toEqual(main); // width unknown
    expect(ids(visibleColumns(db, minWidth(db)))).toEqual(all);
    expect(visibleColumns(db, 5000)).toBe(db);
    expect(ids(visibleColumns(db, minWidth(db) - 1))).toEqual(main);
    expect(ids(detailColumns(kind('databases.data.crowsnest.io')))).toEqual(['engine', 'version', 'replicas', 'ready', 'storage', 'endpoint']);
  });

  it('drop the least needed columns first when the table is narrow, rightmost first', () => {
    const pods = columnsFor(kind('pods'), ''); // name, namespace, ready, status, restarts, age, ip (priority 1), node
    const main = visibleColumns(pods, 0);
    expect(ids(main)).toEqual(['name', 'namespace', 'ready', 'status', 'restarts', 'age', 'node']);
    expect(fitColumns(main, 0)).toBe(main); // width unknown: all
    expect(ids(visibleColumns(pods, minWidth(main) - 1))).toEqual(['name', 'namespace', 'ready', 'status', 'restarts', 'age']);
    expect(ids(visibleColumns(pods, 300))).toEqual(['name', 'status', 'age']);
  });

  it('keep a status, an age and wide text however narrow', () => {
    expect(ids(visibleColumns(columnsFor(kind('events'), ''), 100))).toEqual(['lastSeen', 'status', 'message']);
  });

  it('resolve their tracks to fixed widths as CSS grid would', () => {
    // name 3fr, namespace 1fr, ready 1fr (min 90), status 1fr (min 110), restarts 80, age 64, node 1fr
    const pods = visibleColumns(columnsFor(kind('pods'), ''), 0);
    expect(trackWidths(pods, 0)).toBe(pods.map((c) => c.width).join(' '));
    // 1200 - padding 24 - 6 gaps of 12 - 144 fixed = 960 for 7 fr
    expect(trackWidths(pods, 1200)).toBe('411.42px 137.14px 137.14px 137.14px 80px 64px 137.14px');
    // 660 for 7 fr would give 94 a fr, below status's 110: it keeps 110, the rest share 550
    expect(trackWidths(pods, 900)).toBe('275px 91.66px 91.66px 110px 80px 64px 91.66px');
    // narrower than the minimum: every track at its minimum (the table scrolls sideways)
    expect(trackWidths(pods, 300)).toBe('220px 90px 90px 110px 80px 64px 90px');
    const sum = (t: string) => t.split(' ').reduce((n, x) => n + parseFloat(x), 0);
    for (const w of [777, 1033, 1440, 2560]) expect(sum(trackWidths(pods, w)) + 24 + 72).toBeCloseTo(Math.max(w, minWidth(pods)), 0);
  });
});
