import { describe, expect, it } from 'vitest';
import { groups, mergePlans, mergeResults } from './target';

describe('targets across namespaces', () => {
  it('groups keys by namespace in the order they first appear; one namespace is one group', () => {
    expect(groups({ namespace: '', names: ['shop/a', 'payments/b', 'shop/c'], mixed: true })).toEqual([
      { namespace: 'shop', names: ['a', 'c'] },
      { namespace: 'payments', names: ['b'] },
    ]);
    expect(groups({ namespace: 'shop', names: ['a', 'b'] })).toEqual([{ namespace: 'shop', names: ['a', 'b'] }]);
  });

  it('merges plans: objects and their impact lines named namespace/name, other lines once, the first refusal', () => {
    const gs = [{ namespace: 'shop', names: ['a'] }, { namespace: 'payments', names: ['a'] }];
    const p = mergePlans(gs, [
      { action: 'scale', kind: 'deployments', namespace: 'shop', objects: [{ name: 'a', allowed: true, before: '1', after: '3' }], impact: ['a: replicas 1 → 3', 'note'] },
      { action: 'scale', kind: 'deployments', namespace: 'payments', objects: [{ name: 'a', allowed: false, reason: 'no' }], impact: ['note'], denied: 'no' },
    ]);
    expect(p.objects?.map((o) => o.name)).toEqual(['shop/a', 'payments/a']);
    expect(p.impact).toEqual(['shop/a: replicas 1 → 3', 'note']);
    expect(p.denied).toBe('no');
    expect(mergeResults(gs, [{ objects: [{ name: 'a' }] }, { objects: [{ name: 'a', error: 'x' }] }], true).objects).toEqual([
      { name: 'shop/a' },
      { name: 'payments/a', error: 'x' },
    ]);
  });
});
