import { describe, expect, it } from 'vitest';
import type { KindInfo, KindList } from '../api';
import { KINDS } from '../test/kindsFixture';
import { KindStore } from './kindStore';

/** backend answers Kinds by hand, so a test decides when and with what. */
function backend() {
  const calls: { resolve: (l: KindList) => void; reject: (e: unknown) => void }[] = [];
  const fetch = () => new Promise<KindList>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, fetch };
}

const list = (generation: number, version: number, kinds: KindInfo[] = KINDS): KindList => ({ generation, version, kinds });
const copy = (kinds: KindInfo[]) => kinds.map((k) => structuredClone(k));
const flush = () => new Promise((r) => setTimeout(r, 0));
const ids = (kinds: KindInfo[]) => kinds.map((k) => k.id);

describe('KindStore', () => {
  it('fetches the kinds of a session once per version', async () => {
    const b = backend();
    const s = new KindStore(b.fetch);
    s.want(1, 1);
    s.want(1, 1);
    expect(b.calls).toHaveLength(1);
    b.calls[0]!.resolve(list(1, 1));
    await flush();
    expect(s.get().loaded).toBe(true);
    expect(ids(s.get().list)).toEqual(ids(KINDS));
    expect(s.get().byId.get('pods')?.label).toBe('Pods');
    s.want(1, 1);
    expect(b.calls).toHaveLength(1);
    s.want(1, 2);
    expect(b.calls).toHaveLength(2);
  });

  it('forgets the old session at once, and drops its late answers', async () => {
    const b = backend();
    const s = new KindStore(b.fetch);
    s.want(1, 1);
    s.want(2, 1);
    expect(s.get().generation).toBe(2);
    expect(s.get().loaded).toBe(false);
    b.calls[0]!.resolve(list(1, 1));
    await flush();
    expect(s.get().loaded).toBe(false);
    b.calls[1]!.resolve(list(1, 5)); // an answer naming the old session
    await flush();
    expect(s.get().loaded).toBe(false);
  });

  it('keeps the object of a kind that did not change, and never goes back to an older list', async () => {
    const b = backend();
    const s = new KindStore(b.fetch);
    s.want(1, 1);
    b.calls[0]!.resolve(list(1, 1, copy(KINDS)));
    await flush();
    const pods = s.get().byId.get('pods');
    const changed = copy(KINDS).map((k) => (k.id === 'nodes' ? { ...k, label: 'Machines' } : k));
    s.want(1, 2);
    b.calls[1]!.resolve(list(1, 2, changed));
    await flush();
    expect(s.get().byId.get('pods')).toBe(pods);
    expect(s.get().byId.get('nodes')?.label).toBe('Machines');
    s.want(1, 3);
    b.calls[2]!.resolve(list(1, 1, KINDS));
    await flush();
    expect(s.get().version).toBe(2);
    expect(s.get().byId.get('nodes')?.label).toBe('Machines');
  });

  it('remembers the kinds that went away until they are served again', async () => {
    const b = backend();
    const s = new KindStore(b.fetch);
    s.want(1, 1);
    b.calls[0]!.resolve(list(1, 1));
    await flush();
    const db = 'databases.data.crowsnest.io';
    s.want(1, 2);
    b.calls[1]!.resolve(list(1, 2, KINDS.filter((k) => k.id !== db)));
    await flush();
    expect(s.get().byId.has(db)).toBe(false);
    expect(s.get().gone.get(db)?.label).toBe('Databases');
    s.want(1, 3);
    b.calls[2]!.resolve(list(1, 3));
    await flush();
    expect(s.get().byId.has(db)).toBe(true);
    expect(s.get().gone.has(db)).toBe(false);
    // A view saying its kind was removed is believed before the next list.
    s.markRemoved('nodes');
    expect(s.get().byId.has('nodes')).toBe(false);
    expect(ids(s.get().list)).not.toContain('nodes');
    expect(s.get().gone.get('nodes')?.kind).toBe('Node');
  });

  it('says why the kinds could not be listed, and asks again only when asked to', async () => {
    const b = backend();
    const s = new KindStore(b.fetch);
    const seen: string[] = [];
    s.subscribe(() => seen.push(s.get().error ?? ''));
    s.want(1, 1);
    b.calls[0]!.reject('session not connected');
    await flush();
    expect(s.get().error).toBe('session not connected');
    expect(seen).toContain('session not connected');
    await flush();
    expect(b.calls).toHaveLength(1);
    s.want(1, 1);
    expect(b.calls).toHaveLength(2);
    b.calls[1]!.resolve(list(1, 1));
    await flush();
    expect(s.get().error).toBeNull();
    expect(s.get().loaded).toBe(true);
  });
});
