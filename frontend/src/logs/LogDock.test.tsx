import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useLogDock } from './LogDock';

describe('useLogDock', () => {
  it('keeps one tab per docked log, a tab per terminal, and closes them all in a new session', () => {
    const { result, rerender } = renderHook(({ gen }) => useLogDock(gen), { initialProps: { gen: 1 } });
    act(() => result.current.open({ kind: 'pods', namespace: 'shop', name: 'web-1' }));
    act(() => result.current.open({ kind: 'pods', namespace: 'shop', name: 'web-1' }));
    act(() => result.current.openTerminal({ kind: 'pods', namespace: 'shop', name: 'web-1' }));
    act(() => result.current.openTerminal({ kind: 'pods', namespace: 'shop', name: 'web-1' }));
    expect(result.current.tabs.map((t) => t.type)).toEqual(['logs', 'terminal', 'terminal']);
    const [, first, second] = result.current.tabs;
    expect(first!.key).not.toBe(second!.key);
    expect(result.current.active).toBe(second!.key);

    act(() => result.current.close(second!.key));
    expect(result.current.active).toBe(first!.key);

    rerender({ gen: 2 });
    expect(result.current.tabs).toEqual([]);
    expect(result.current.active).toBeNull();
  });
});
