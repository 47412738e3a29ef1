import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KindInfo } from '../api';
import { KINDS } from '../test/kindsFixture';
import { Nav, navGroups } from './Nav';

const aggregated: KindInfo = {
  id: 'bindings', kind: 'Binding', label: 'Bindings', nav: 'API resources', version: 'v1', resource: 'bindings', namespaced: true, custom: true, columns: [],
};

describe('navGroups', () => {
  it('keeps the order the backend sends, built-in kinds directly, learnt ones by API group', () => {
    const groups = navGroups([...KINDS, aggregated]);
    expect(groups.map((g) => g.name)).toEqual(['Workloads', 'Network', 'Config', 'Access control', 'Cluster', 'Custom resources', 'API resources']);
    const custom = groups.find((g) => g.name === 'Custom resources')!;
    expect(custom.kinds).toEqual([]);
    expect(custom.apiGroups.map((a) => [a.name, a.kinds.map((k) => k.label)])).toEqual([
      ['data.crowsnest.io', ['Databases', 'Backups']],
      ['platform.crowsnest.io', ['Tenants']],
    ]);
    // The core API group has no name of its own.
    expect(groups.at(-1)!.apiGroups.map((a) => a.name)).toEqual(['metrics.k8s.io', 'core']);
  });
});

describe('Nav', () => {
  afterEach(cleanup);

  it('shows counts of started kinds only, and says when the kinds could not be listed', () => {
    const { rerender } = render(
      <Nav kind="pods" kinds={KINDS} statuses={[{ kind: 'pods', state: 'synced', count: 7 }, { kind: 'roles', state: 'forbidden', count: 0 }]} onPick={() => {}} />,
    );
    expect(screen.getByTestId('nav-count-pods').textContent).toBe('7');
    expect(screen.getByTestId('nav-count-deployments').textContent).toBe('');
    expect(screen.getByTestId('nav-count-roles').textContent).toBe('no access');
    rerender(<Nav kind="pods" kinds={[]} statuses={[]} error="session not connected" onPick={() => {}} />);
    expect(screen.getByRole('alert').textContent).toBe('Cannot list the kinds: session not connected');
  });

  it('picks a kind, never an unavailable one', () => {
    const onPick = vi.fn();
    render(<Nav kind="pods" kinds={KINDS} statuses={[]} onPick={onPick} />);
    fireEvent.click(screen.getByTestId('nav-apigroup-metrics.k8s.io'));
    fireEvent.click(screen.getByTestId('nav-nodes.metrics.k8s.io'));
    expect(onPick).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('nav-apigroup-platform.crowsnest.io'));
    fireEvent.click(screen.getByTestId('nav-tenants.platform.crowsnest.io'));
    expect(onPick).toHaveBeenCalledWith('tenants.platform.crowsnest.io');
  });
});
