import { describe, expect, it, vi } from 'vitest';
import type { LogStatus, LogWindow } from '../api';
import { logLine } from '../test/fakeBackend';
import { LogStore, type LogSource } from './logStore';

/** A log of n lines from first, served with at most max lines a window. */
function server(n: number, first = 1, max = 1000) {
  const s = { first, next: first + n, version: 1 };
  const win = (from: number, limit: number): LogWindow => {
    const lines = [];
    for (let q = Math.max(from, s.first); q < s.next && lines.length < Math.min(limit, max); q++) lines.push(logLine(q, 'line ' + q));
    return { id: 'l1', generation: 1, version: s.version, first: s.first, next: s.next, lines };
  };
  const source: LogSource = {
    lines: vi.fn(async (_id: string, from: number, limit: number) => win(from, limit)),
    tail: vi.fn(async (_id: string, limit: number) => win(s.next - limit, limit)),
    status: vi.fn(async () => Promise.reject('unknown method')),
  };
  const status = (): LogStatus => ({ id: 'l1', generation: 1, version: s.version, statusVersion: 0, first: s.first, next: s.next, dropped: s.first - 1, bytes: 0, pods: 1, sources: [] });
  return { s, source, status };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
async function idle() {
  for (let i = 0; i < 20; i++) await settle();
}

describe('LogStore', () => {
  it('reads only the lines of its range, in windows, and forgets those far away', async () => {
    const { source, status } = server(100_000);
    const store = new LogStore({ source, pageSize: 100, keep: 50 });
    store.attach(status());
    expect(store.count).toBe(100_000);
    store.setRange(1, 60);
    await idle();
    expect(store.line(1)?.spans[0]?.text).toBe('line 1');
    expect(store.line(60)).toBeDefined();
    expect(store.line(200)).toBeUndefined();
    store.setRange(50_001, 50_060);
    await idle();
    expect(store.line(50_030)?.seq).toBe(50_030);
    expect(store.line(1)).toBeUndefined(); // constant memory: the old window is gone
    const asked = vi.mocked(source.lines).mock.calls.map((c) => c[2]);
    expect(Math.max(...asked)).toBeLessThanOrEqual(100);
  });

  it('asks for the rest when a window is cut short (~64 KB)', async () => {
    const { source, status } = server(500, 1, 25);
    const store = new LogStore({ source, pageSize: 200 });
    store.attach(status());
    store.setRange(1, 100);
    await idle();
    for (let q = 1; q <= 100; q++) expect(store.line(q)).toBeDefined();
    expect(vi.mocked(source.lines).mock.calls.map((c) => c[1])).toEqual(expect.arrayContaining([1, 26, 51, 76]));
  });

  it('applies notices: new lines counted, dropped lines forgotten, other views and generations ignored', async () => {
    const { s, source, status } = server(10);
    const store = new LogStore({ source });
    store.attach(status());
    store.setRange(1, 40);
    await idle();
    expect(store.line(3)).toBeDefined();
    s.next = 41;
    s.first = 6;
    s.version = 2;
    store.notice({ id: 'other', generation: 1, version: 9, statusVersion: 0, next: 999, dropped: 0 });
    store.notice({ id: 'l1', generation: 0, version: 9, statusVersion: 0, next: 999, dropped: 0 });
    expect(store.next).toBe(11);
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 0, next: 41, dropped: 5 });
    expect(store.first).toBe(6);
    expect(store.count).toBe(35);
    expect(store.dropped).toBe(5);
    expect(store.line(3)).toBeUndefined();
    await idle();
    expect(store.line(40)?.seq).toBe(40);
  });

  it('drops answers to requests made before it was attached again', async () => {
    let resolve: (w: LogWindow) => void = () => undefined;
    const { source, status } = server(10);
    vi.mocked(source.lines).mockImplementationOnce(() => new Promise((r) => (resolve = r)));
    const store = new LogStore({ source });
    store.attach(status());
    store.setRange(1, 10);
    store.attach({ ...status(), id: 'l2' });
    resolve({ id: 'l1', generation: 1, version: 1, first: 1, next: 11, lines: [logLine(1, 'stale')] });
    await idle();
    expect(store.line(1)?.spans[0]?.text).not.toBe('stale');
  });

  it('reads the status again only when a notice carries another status version', async () => {
    const { source, status } = server(1);
    vi.mocked(source.status).mockImplementation(async () => ({ ...status(), statusVersion: 4, sources: [{ pod: 'p', container: 'c', state: 'reconnecting', message: 'EOF' }] }));
    const store = new LogStore({ source });
    store.attach(status());
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 0, next: 2, dropped: 0 });
    await idle();
    expect(source.status).not.toHaveBeenCalled(); // lines only: the status attach gave still holds
    store.notice({ id: 'l1', generation: 1, version: 3, statusVersion: 4, next: 3, dropped: 0 });
    await idle();
    expect(source.status).toHaveBeenCalledTimes(1);
    expect(store.status?.sources[0]?.state).toBe('reconnecting');
    store.notice({ id: 'l1', generation: 1, version: 4, statusVersion: 4, next: 4, dropped: 0 });
    await idle();
    expect(source.status).toHaveBeenCalledTimes(1);
  });

  it('stops asking for the status once the backend says it has no such method', async () => {
    const { source, status } = server(1);
    const store = new LogStore({ source });
    store.attach(status());
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 1, next: 2, dropped: 0 });
    await idle();
    store.notice({ id: 'l1', generation: 1, version: 3, statusVersion: 2, next: 3, dropped: 0 });
    await idle();
    expect(source.status).toHaveBeenCalledTimes(1);
  });

  it('asks for new lines at once when its range is at the end (following)', async () => {
    const { s, source, status } = server(100);
    const store = new LogStore({ source });
    store.attach(status());
    store.setRange(61, 100);
    await idle();
    s.next = 111;
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 0, next: 111, dropped: 0 });
    await idle();
    expect(store.line(110)?.seq).toBe(110);
    // Not at the end: nothing more is read.
    store.setRange(1, 40);
    await idle();
    const calls = vi.mocked(source.lines).mock.calls.length;
    s.next = 121;
    store.notice({ id: 'l1', generation: 1, version: 3, statusVersion: 0, next: 121, dropped: 0 });
    await idle();
    expect(vi.mocked(source.lines).mock.calls.length).toBe(calls);
  });

  it('following, moves the bounds and the lines together when the tail lands, one tail at a time', async () => {
    const { s, source, status } = server(100);
    let land: () => void = () => undefined;
    const tail = vi.mocked(source.tail).getMockImplementation()!;
    const store = new LogStore({ source, keep: 10 });
    store.attach(status());
    store.follow(30);
    await idle();
    expect(store.line(100)?.seq).toBe(100);
    expect(store.line(71)?.seq).toBe(71);
    const revision = store.getRevision();
    // The next tail waits until the test lets it land.
    vi.mocked(source.tail).mockImplementation((id, limit) => new Promise((r) => (land = () => void tail(id, limit).then(r))));
    s.next = 2_101;
    s.first = 1_001;
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 0, next: 2_101, dropped: 1_000 });
    store.notice({ id: 'l1', generation: 1, version: 3, statusVersion: 0, next: 2_101, dropped: 1_000 });
    await idle();
    // Nothing the page shows moved yet: no rows without their lines.
    expect([store.first, store.next, store.dropped, store.getRevision()]).toEqual([1, 101, 0, revision]);
    expect(vi.mocked(source.tail).mock.calls.length).toBe(2); // the one at follow, one for both notices
    land();
    await idle();
    expect([store.first, store.next, store.dropped]).toEqual([1_001, 2_101, 1_000]);
    for (let q = 2_071; q <= 2_100; q++) expect(store.line(q)?.seq).toBe(q);
    expect(store.line(100)).toBeUndefined(); // lines far behind are forgotten
    expect(vi.mocked(source.lines)).not.toHaveBeenCalled();
    // Paused: notices move the bounds at once again.
    store.follow(0);
    s.next = 2_201;
    store.notice({ id: 'l1', generation: 1, version: 4, statusVersion: 0, next: 2_201, dropped: 1_000 });
    expect(store.next).toBe(2_201);
  });

  it('reports what a notice and the windows it asked for cost, by version, when asked (perf.ts)', async () => {
    const { s, source, status } = server(100);
    const costs: [string, number][] = [];
    const store = new LogStore({ source, onCost: (what, ms, version) => { expect(ms).toBeGreaterThanOrEqual(0); costs.push([what, version]); } });
    store.attach(status());
    store.setRange(1, 100);
    await idle();
    costs.length = 0;
    s.next = 150;
    s.version = 2;
    store.notice({ id: 'l1', generation: 1, version: 2, statusVersion: 0, next: 150, dropped: 0 });
    await idle();
    expect(costs[0]).toEqual(['notice', 2]);
    expect(costs.slice(1).length).toBeGreaterThan(0);
    expect(costs.slice(1).every(([w, v]) => w === 'window' && v === 2)).toBe(true);
  });
});
