import { describe, expect, it, vi } from 'vitest';
import type { Row, Window } from '../api';
import { WindowCache, type WindowCacheOptions } from './windowCache';

interface Call {
  viewId: string;
  offset: number;
  limit: number;
  resolve: (w: Window) => void;
  reject: (e: unknown) => void;
}

/** backend answers ViewRows by hand, so a test decides when and with what. */
function backend() {
  const calls: Call[] = [];
  const fetch = (viewId: string, offset: number, limit: number) =>
    new Promise<Window>((resolve, reject) => calls.push({ viewId, offset, limit, resolve, reject }));
  return { calls, fetch };
}

function rows(offset: number, n: number, tag = 'v'): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `ns/${tag}-${offset + i}`, kind: 'pods', name: `${tag}-${offset + i}`, namespace: 'ns',
    uid: String(offset + i), created: 0, health: 'ok', cells: [],
  }));
}

function win(c: Call, version: number, count: number, gen = 1, tag = 'v'): Window {
  return { viewId: c.viewId, generation: gen, version, count, offset: c.offset, rows: rows(c.offset, Math.min(c.limit, Math.max(0, count - c.offset)), tag) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** showing is a cache on view v1 (version 1, count rows) with its first page here. */
async function showing(count: number, opts: Partial<WindowCacheOptions> = {}) {
  const b = backend();
  const c = new WindowCache({ fetch: b.fetch, ...opts });
  c.attach({ id: 'v1', generation: 1, version: 1, count, synced: true });
  c.setRange(0, Math.min(count, 20) - 1);
  b.calls[0]!.resolve(win(b.calls[0]!, 1, count));
  await flush();
  return { b, c };
}

/** scrolling is a cache on a 50,000-row view with its top page here and a clock a test moves. */
async function scrolling(opts: Partial<WindowCacheOptions> = {}) {
  const b = backend();
  const clock = { t: 0 };
  const c = new WindowCache({ fetch: b.fetch, now: () => clock.t, ...opts });
  c.attach({ id: 'v1', generation: 1, version: 1, count: 50_000, synced: true });
  c.setRange(0, 30);
  b.calls[0]!.resolve(win(b.calls[0]!, 1, 50_000));
  await flush();
  return { b, c, clock };
}

describe('WindowCache', () => {
  it('forgets the rows of a view whose kind was removed, and asks for nothing more', async () => {
    const { b, c } = await showing(50);
    expect(c.row(0)).toBeDefined();
    const asked = b.calls.length;
    const seen = vi.fn();
    c.subscribe(seen);
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 0, removed: true });
    expect(seen).toHaveBeenCalled();
    expect(c.removed).toBe(true);
    expect(c.count).toBe(0);
    expect(c.row(0)).toBeUndefined();
    c.setRange(0, 19);
    c.notice({ viewId: 'v1', generation: 1, version: 3, count: 5 });
    await flush();
    expect(b.calls.length).toBe(asked);
    expect(c.count).toBe(0);
    c.detach();
    expect(c.removed).toBe(false);
  });

  it('starts removed when the view was opened on a kind no longer served', () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 0, synced: true, removed: true });
    c.setRange(0, 19);
    expect(c.removed).toBe(true);
    expect(c.loaded).toBe(true);
    expect(b.calls).toHaveLength(0);
  });

  it('fetches the pages the viewport shows, with prefetch, and nothing else', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch, pageSize: 100, prefetch: 40, maxInFlight: 4 });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 50_000, synced: true });
    expect(b.calls.map((x) => x.offset)).toEqual([0]); // the top, before the table has measured
    c.setRange(0, 30);
    expect(b.calls.map((x) => x.offset)).toEqual([0]);
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 50_000));
    await flush();
    expect(c.row(5)?.name).toBe('v-5');
    expect(c.row(150)).toBeUndefined();

    c.setRange(70, 100); // prefetch reaches into page 1
    expect(b.calls.map((x) => x.offset)).toEqual([0, 100]);
    c.setRange(25_000, 25_030);
    expect(b.calls.map((x) => x.offset)).toEqual([0, 100, 25_000, 24_900]) // visible page first;
  });

  it('asks for the visible page before the prefetch', () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch, maxInFlight: 1 });
    c.setRange(210, 240); // prefetch reaches back into page 1
    c.attach({ id: 'v1', generation: 1, version: 1, count: 1000, synced: true });
    expect(b.calls.map((x) => x.offset)).toEqual([200]);
  });

  it('refetches the visible page on a notice and keeps showing the old rows until then', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 300, synced: true });
    c.setRange(0, 20);
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 300));
    await flush();
    expect(b.calls).toHaveLength(1);

    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 301 });
    expect(c.count).toBe(301);
    expect(b.calls).toHaveLength(2);
    expect(b.calls[1]!.offset).toBe(0);
    expect(c.row(0)?.name).toBe('v-0'); // still shown while refetching
    b.calls[1]!.resolve(win(b.calls[1]!, 2, 301, 1, 'new'));
    await flush();
    expect(c.row(0)?.name).toBe('new-0');

    // an older or repeated notice changes nothing
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 999 });
    expect(c.count).toBe(301);
    expect(b.calls).toHaveLength(2);
  });

  it('drops out-of-date pages that are off screen on a notice', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch, maxInFlight: 4 });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 1000, synced: true });
    c.setRange(300, 330);
    for (const call of b.calls) call.resolve(win(call, 1, 1000));
    await flush();
    c.setRange(0, 20);
    b.calls.at(-1)!.resolve(win(b.calls.at(-1)!, 1, 1000));
    await flush();
    expect(c.row(310)).toBeDefined(); // kept nearby while fresh
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 1000 });
    expect(c.row(310)).toBeUndefined();
  });

  it('drops notices and windows of another generation or view', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.attach({ id: 'v1', generation: 2, version: 1, count: 100, synced: true });
    c.setRange(0, 20);
    c.notice({ viewId: 'v1', generation: 1, version: 9, count: 5 });
    c.notice({ viewId: 'v7', generation: 2, version: 9, count: 5 });
    expect(c.count).toBe(100);
    expect(b.calls).toHaveLength(1);
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 100, 1)); // answered by the old session
    await flush();
    expect(c.row(0)).toBeUndefined();
  });

  it('applies a notice that overtook the answer opening its view', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.notice({ viewId: 'v2', generation: 2, version: 5, count: 7 });
    c.attach({ id: 'v2', generation: 2, version: 4, count: 0, synced: true });
    expect(c.count).toBe(7);
    c.setRange(0, 20);
    expect(b.calls).toHaveLength(1);
    // one from an older generation does not count
    c.notice({ viewId: 'v3', generation: 1, version: 9, count: 99 });
    c.attach({ id: 'v3', generation: 2, version: 1, count: 3, synced: true });
    expect(c.count).toBe(3);
  });

  it('drops answers to requests made before a detach or re-attach', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 100, synced: true });
    c.setRange(0, 20);
    c.attach({ id: 'v1', generation: 1, version: 2, count: 100, synced: true }); // new sort
    expect(b.calls).toHaveLength(2);
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 100, 1, 'old'));
    await flush();
    expect(c.row(0)).toBeUndefined();
    b.calls[1]!.resolve(win(b.calls[1]!, 2, 100, 1, 'sorted'));
    await flush();
    expect(c.row(0)?.name).toBe('sorted-0');

    c.detach();
    expect(c.count).toBe(0);
    expect(c.row(0)).toBeUndefined();
  });

  it('does not storm the backend when scrolling fast', async () => {
    const b = backend();
    // A clock of its own: the scroll's speed is measured in time, and a
    // loaded machine must not turn these 500 quick steps into a slow scroll.
    let t = 0;
    const c = new WindowCache({ fetch: b.fetch, maxInFlight: 2, now: () => (t += 0.01) });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 50_000, synced: true });
    // 500 scroll steps from top to bottom before any answer arrives
    for (let i = 0; i < 500; i++) c.setRange(i * 100, i * 100 + 30);
    expect(b.calls).toHaveLength(2);
    expect(c.inFlightCount).toBe(2);
    // as answers land, only pages near where the scroll ended are asked for
    for (let round = 0; round < 5; round++) {
      for (const call of b.calls.slice(-2)) call.resolve(win(call, 1, 50_000));
      await flush();
    }
    const later = b.calls.slice(2).map((x) => x.offset);
    expect(later.length).toBeLessThanOrEqual(2);
    for (const off of later) expect(off).toBeGreaterThanOrEqual(49_800);
    expect(c.row(49_910)).toBeDefined();
  });

  it('never requests a page twice at once', () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch, maxInFlight: 4 });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 1000, synced: true });
    c.setRange(0, 20);
    c.setRange(1, 21);
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 1000 });
    expect(b.calls.filter((x) => x.offset === 0)).toHaveLength(1);
  });

  it('refetches a page whose answer predates a notice that came while it was in flight', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.attach({ id: 'v1', generation: 1, version: 1, count: 100, synced: true });
    c.setRange(0, 20);
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 100 });
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 100));
    await flush();
    expect(b.calls).toHaveLength(2);
    b.calls[1]!.resolve(win(b.calls[1]!, 2, 100, 1, 'fresh'));
    await flush();
    expect(c.row(0)?.name).toBe('fresh-0');
    expect(b.calls).toHaveLength(2);
  });

  it('shrinks with the count and reports errors without retrying in a loop', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    c.setRange(150, 240);
    c.attach({ id: 'v1', generation: 1, version: 1, count: 250, synced: true });
    for (const call of b.calls) call.resolve(win(call, 1, 250));
    await flush();
    expect(c.row(220)).toBeDefined();
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 120 });
    expect(c.row(220)).toBeUndefined();
    const before = b.calls.length;
    for (const call of b.calls.slice(before - c.inFlightCount)) call.reject('no open view "v1"');
    await flush();
    expect(c.error).toBe('no open view "v1"');
    c.setRange(150, 241);
    expect(b.calls.length).toBe(before);
  });

  it('tells subscribers when rows change', async () => {
    const b = backend();
    const c = new WindowCache({ fetch: b.fetch });
    let seen = 0;
    c.subscribe(() => seen++);
    c.attach({ id: 'v1', generation: 1, version: 1, count: 10, synced: true });
    c.setRange(0, 9);
    b.calls[0]!.resolve(win(b.calls[0]!, 1, 10));
    await flush();
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(c.loaded).toBe(true);
    expect(c.indexOf('ns/v-7')).toBe(7);
  });
  it('asks ahead of a fast scroll, in its direction, one window a frame at most', async () => {
    const { b, c, clock } = await scrolling({ maxInFlight: 3 });
    c.setRange(1, 31); // the drag's first step: no speed known yet, page 0 is here
    const before = b.calls.length;
    // dragging the scrollbar: 140 rows a 16 ms frame, answers slower than that
    for (let f = 1; f <= 6; f++) {
      clock.t = f * 16;
      c.setRange(f * 140, f * 140 + 30);
    }
    const ahead = b.calls.slice(before);
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.length).toBeLessThanOrEqual(3); // bounded: maxInFlight
    for (const x of ahead) {
      expect(x.limit).toBeLessThanOrEqual(100);
      // beyond where the scroll is, not where it was
      expect(x.offset).toBeGreaterThan(2 * 140 + 30);
    }
    // an answer frees a slot; the next window aims further on again
    const last = ahead.at(-1)!;
    last.resolve(win(last, 1, 50_000));
    await flush();
    clock.t = 7 * 16;
    c.setRange(7 * 140, 7 * 140 + 30);
    expect(b.calls.length).toBe(before + ahead.length + 1);
    expect(b.calls.at(-1)!.offset).toBeGreaterThan(7 * 140);
  });

  it('chains windows along a fast scroll, and does not ask again for rows a notice left a version old', async () => {
    const { b, c, clock } = await scrolling({ aheadSize: 200 });
    for (let f = 1; f <= 4; f++) {
      clock.t = f * 16;
      c.setRange(f * 140, f * 140 + 30);
    }
    // Every window asked for so far answers, and those asked meanwhile too.
    for (let done = 1; done < b.calls.length; ) {
      const now = b.calls.slice(done);
      done = b.calls.length;
      for (const x of now) x.resolve(win(x, 1, 50_000));
      await flush();
    }
    const held = (from: number, to: number) => {
      let n = 0;
      for (let i = from; i < to; i++) if (c.row(i)) n++;
      return n;
    };
    expect(held(4 * 140, 4 * 140 + 2000)).toBeGreaterThanOrEqual(200); // the path ahead is here
    const before = b.calls.length;
    // Churn: a notice makes every row a version old, mid-scroll.
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 50_000 });
    // The scroll goes on: what it asks for is only ever rows it lacks.
    for (let f = 5, seen = before; f <= 20; f++) {
      clock.t = f * 16;
      c.setRange(f * 140, f * 140 + 30);
      const asked = b.calls.slice(seen);
      seen = b.calls.length;
      for (const x of asked) expect(held(x.offset, x.offset + x.limit)).toBe(0);
      for (const x of asked) x.resolve(win(x, 2, 50_000));
      await flush();
    }
    const after = b.calls.slice(before).sort((x, y) => x.offset - y.offset);
    expect(after.length).toBeGreaterThan(0); // the path beyond is still asked for
    // once: windows chain along the path, none asked for twice
    for (let k = 1; k < after.length; k++) expect(after[k]!.offset).toBeGreaterThanOrEqual(after[k - 1]!.offset + after[k - 1]!.limit);
  });

  it('asks ahead upwards when the scroll goes up', () => {
    const b = backend();
    let t = 0;
    const c = new WindowCache({ fetch: b.fetch, now: () => t });
    c.setRange(40_000, 40_030);
    c.attach({ id: 'v1', generation: 1, version: 1, count: 50_000, synced: true });
    const before = b.calls.length;
    for (let f = 1; f <= 3; f++) {
      t = f * 16;
      c.setRange(40_000 - f * 140, 40_030 - f * 140);
    }
    const ahead = b.calls.slice(before);
    expect(ahead.length).toBeGreaterThan(0);
    for (const x of ahead) expect(x.offset + x.limit).toBeLessThan(40_000 - 3 * 140);
  });

  it('fetches the pages on screen once a fast scroll stops', async () => {
    vi.useFakeTimers();
    try {
      const b = backend();
      let t = 0;
      const c = new WindowCache({ fetch: b.fetch, maxInFlight: 2, now: () => t });
      c.attach({ id: 'v1', generation: 1, version: 1, count: 50_000, synced: true });
      for (let f = 1; f <= 4; f++) {
        t = f * 16;
        c.setRange(f * 140, f * 140 + 30);
      }
      for (const x of b.calls) x.resolve(win(x, 1, 50_000));
      await vi.advanceTimersByTimeAsync(0);
      t += 500; // the scroll stopped at 560
      await vi.advanceTimersByTimeAsync(500);
      for (let round = 0; round < 3; round++) {
        for (const x of b.calls) x.resolve(win(x, 1, 50_000));
        await vi.advanceTimersByTimeAsync(0);
      }
      // the rows on screen and the prefetch either side, as when scrolling slowly
      for (let i = 520; i <= 630; i++) expect(c.row(i)).toBeDefined();
      expect(c.inFlightCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the object of a row a refetch brought back unchanged', async () => {
    const { b, c } = await showing(10);
    const first = c.row(3);
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 10 });
    const again = win(b.calls[1]!, 2, 10);
    again.rows![4] = { ...again.rows![4]!, status: 'Failed' };
    b.calls[1]!.resolve(again);
    await flush();
    expect(c.row(3)).toBe(first);
    expect(c.row(4)?.status).toBe('Failed');
  });

  it('tells subscribers only of what changes the screen: a new count or a changed row', async () => {
    const { b, c } = await showing(10);
    let seen = 0;
    c.subscribe(() => seen++);
    // A label patch: the view's version moves, its rows as the table shows them do not.
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 10 });
    expect(seen).toBe(0);
    b.calls[1]!.resolve(win(b.calls[1]!, 2, 10));
    await flush();
    expect(seen).toBe(0);
    expect(c.version).toBe(2);
    // A row that changed is news.
    c.notice({ viewId: 'v1', generation: 1, version: 3, count: 10 });
    const again = win(b.calls[2]!, 3, 10);
    again.rows![4] = { ...again.rows![4]!, status: 'Failed' };
    b.calls[2]!.resolve(again);
    await flush();
    expect(seen).toBe(1);
    // So is a new count, at once, before its rows.
    c.notice({ viewId: 'v1', generation: 1, version: 4, count: 11 });
    expect(seen).toBe(2);
    expect(c.count).toBe(11);
  });

  it('reports the script time of a notice and of the refetch it caused', async () => {
    const costs: [string, number][] = [];
    const { b, c } = await showing(10, { onCost: (what, _ms, version) => costs.push([what, version]) });
    expect(costs).toEqual([]); // a scroll's window is not a notice's
    c.notice({ viewId: 'v1', generation: 1, version: 2, count: 10 });
    b.calls[1]!.resolve(win(b.calls[1]!, 2, 10));
    await flush();
    expect(costs).toEqual([['notice', 2], ['window', 2]]);
  });
});
