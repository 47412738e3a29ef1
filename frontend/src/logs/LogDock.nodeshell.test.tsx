import { act, cleanup, render, renderHook, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogDock, useLogDock } from './LogDock';

// The terminal itself (xterm.js) is not what these tests look at.
vi.mock('../terminal/TerminalView', () => ({ TerminalView: () => <div data-testid="terminal" /> }));

describe('LogDock with a node shell', () => {
  afterEach(cleanup);

  it('names a node shell node/<name>, and says closing deletes its pod', () => {
    const { result } = renderHook(() => useLogDock(1));
    act(() => result.current.openTerminal({ kind: 'nodes', namespace: '', name: 'node-1', nodeShell: { planId: 'g1p1', namespace: 'kube-system', pod: 'crowsnest-node-shell-node-1-x7k2p' } }));
    act(() => result.current.openTerminal({ kind: 'pods', namespace: 'shop', name: 'web-1' }));
    render(<LogDock dock={result.current} generation={1} kindLabel={(k) => k} />);
    const tabs = screen.getAllByTestId('log-dock-tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['Shell node/node-1×', 'Terminal web-1×']);
    expect(tabs[0]!.querySelector('[role="tab"]')!.getAttribute('title')).toBe('Shell on node/node-1 (pod kube-system/crowsnest-node-shell-node-1-x7k2p)');
    expect(screen.getAllByTestId('log-dock-close')[0]!.getAttribute('aria-label')).toBe('Close the shell on node/node-1 and delete its pod');
  });
});
