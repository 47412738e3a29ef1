// The column contract with the backend. test/kinds.gen.json is written by
// the backend's own test: every kind it describes (each built-in kind and a
// custom one) with a row it projected from a sample object. For each, the
// table must show only columns the kind declares, each with the backend's
// cell formatted by its type, and the details every column's value.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Column, KindInfo, Row, Window } from './api';
import { DetailsPanel } from './details/DetailsPanel';
import { WindowCache } from './table/windowCache';
import generated from './test/kinds.gen.json';
import { details, fake } from './test/fakeBackend';
import { renderTable } from './test/table';
import { age, shortDuration } from './time';

vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  const { fake } = await import('./test/fakeBackend');
  return { ...real, api: fake.api };
});

const gen = generated as unknown as { kinds: KindInfo[]; rows: Record<string, Row> };
const NOW = 1_800_000_000_000;

/** What a cell must read as: the backend's text, a timestamp as its age, a duration short. */
function expected(c: Column, cell: string): string {
  if (cell === '') return '';
  if (c.type === 'timestamp') return Number(cell) > 0 ? age(Number(cell), NOW) : '';
  if (c.type === 'duration') return shortDuration(cell);
  return cell;
}

/** The forms a cell of each type may take (the page parses them). */
const FORMS: Record<string, RegExp> = {
  text: /^/s,
  quantity: /^/s,
  integer: /^-?\d+$/,
  number: /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i,
  boolean: /^(true|false)$/,
  timestamp: /^\d+$/,
  duration: /^-?(\d+(\.\d*)?(h|m|s|ms|us|µs|ns))+$/,
};

/** shown renders the table of kind with its sample row and reads what it shows, header by header. */
async function shown(kind: KindInfo, sample: Row) {
  const cache = new WindowCache({
    fetch: (viewId, offset): Promise<Window> => Promise.resolve({ viewId, generation: 1, version: 1, count: 1, offset, rows: [sample] }),
  });
  cache.attach({ id: 'v1', generation: 1, version: 1, count: 1, synced: true });
  renderTable(kind, cache, NOW);
  const row = await screen.findByTestId('row');
  const headers = screen.getAllByRole('columnheader');
  const cells = within(row).getAllByRole('gridcell');
  expect(cells).toHaveLength(headers.length);
  return headers.map((h, i) => ({ id: (h.getAttribute('data-testid') ?? '').replace(/^sort-/, ''), title: h.textContent, text: cells[i]!.textContent }));
}

/** A ResizeObserver that measures at once, for a table given a width. */
class MeasureAtOnce {
  constructor(private readonly cb: () => void) {}
  observe() {
    this.cb();
  }
  unobserve() {}
  disconnect() {}
}

describe('the column contract with the backend', () => {
  beforeEach(() => fake.reset());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('has kinds to check, a built-in and a custom one among them', () => {
    expect(gen.kinds.some((k) => k.id === 'pods')).toBe(true);
    expect(gen.kinds.some((k) => k.custom)).toBe(true);
  });

  describe.each(gen.kinds.map((k) => [k.id, k] as const))('%s', (id, kind) => {
    const sample = gen.rows[id]!;

    it('has a sample row of its kind with one cell of its column type per column', () => {
      expect(sample, `no sample row for ${id}`).toBeDefined();
      expect(sample.kind).toBe(id);
      expect(sample.cells).toHaveLength(kind.columns.length);
      expect(new Set(kind.columns.map((c) => c.id)).size).toBe(kind.columns.length);
      kind.columns.forEach((c, i) => {
        expect(Object.keys(FORMS), `${c.id}: unknown type ${c.type}`).toContain(c.type);
        const cell = sample.cells[i]!;
        if (cell !== '') expect(cell, `${c.id} (${c.type})`).toMatch(FORMS[c.type]!);
      });
    });

    it('shows in a table only columns the kind declares, each with its cell', async () => {
      const cols = await shown(kind, sample);
      // Width not known yet: the default (priority 0) columns, in order.
      expect(cols.map((c) => c.id)).toEqual(kind.columns.filter((c) => !c.priority).map((c) => c.id));
      for (const c of cols) {
        const i = kind.columns.findIndex((k) => k.id === c.id);
        expect(i, `column ${c.id} is not the backend's`).toBeGreaterThanOrEqual(0);
        expect(c.title).toBe(kind.columns[i]!.title);
        expect(c.text, c.id).toBe(expected(kind.columns[i]!, sample.cells[i]!));
      }
    });

    it('shows every column in a table wide enough, wide-only ones too', async () => {
      vi.stubGlobal('ResizeObserver', MeasureAtOnce);
      vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(100_000);
      const cols = await shown(kind, sample);
      expect(cols.map((c) => c.id)).toEqual(kind.columns.map((c) => c.id));
      cols.forEach((c, i) => expect(c.text, c.id).toBe(expected(kind.columns[i]!, sample.cells[i]!)));
    });

    it('lists the value of every column but name, namespace, age and usage in details', async () => {
      fake.b.details = details(sample);
      render(
        <DetailsPanel
          target={{ kind: id, namespace: sample.namespace ?? '', name: sample.name, key: sample.key }}
          generation={1}
          now={NOW}
          kinds={new Map([[id, kind]])}
          onClose={() => undefined}
          onNavigate={() => undefined}
        />,
      );
      const dl = await screen.findByTestId('details-facts');
      await act(async () => undefined);
      const facts = Array.from(dl.querySelectorAll('dt')).map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
      kind.columns.forEach((c, i) => {
        const want = expected(c, sample.cells[i]!);
        if (['name', 'namespace', 'age'].includes(c.id) || want === '') return;
        if (c.usage) {
          // Usage is the details' chart, not a fact.
          expect(facts.map(([title]) => title), c.id).not.toContain(c.title);
          return;
        }
        expect(facts, c.id).toContainEqual([c.title, want]);
      });
    });
  });
});
