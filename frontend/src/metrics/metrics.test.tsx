import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MetricsStatus } from '../api';
import { fake } from '../test/fakeBackend';
import { MetricsLine } from './MetricsLine';
import { sparkPath, Sparkline } from './Sparkline';
import { metricsProblem, stateOf } from './state';
import { formatCPU, formatMemory, UsageChart } from './UsageChart';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const status = (pods: MetricsStatus['pods'], version = 1): MetricsStatus => ({ pods, nodes: { state: 'available' }, version, intervalSeconds: 15 });

describe('metrics state', () => {
  it('says each state without measurements once, and nothing when available or not asked', () => {
    expect(metricsProblem({ state: 'not-installed', message: 'no API' })).toBe('Metrics not installed: no API');
    expect(metricsProblem({ state: 'unavailable', message: 'failing or missing response' })).toBe('Metrics unavailable: failing or missing response');
    expect(metricsProblem({ state: 'forbidden', message: 'cannot list nodes' })).toBe('Metrics forbidden: cannot list nodes');
    expect(metricsProblem({ state: 'available' })).toBeNull();
    expect(metricsProblem({})).toBeNull();
    expect(stateOf(status({ state: 'forbidden' }), 'pods')?.state).toBe('forbidden');
    expect(stateOf(status({ state: 'forbidden' }), 'nodes')?.state).toBe('available');
    expect(stateOf(status({ state: 'forbidden' }), undefined)).toBeUndefined();
  });

  it('shows the line above a table of the measured kind only, as text', () => {
    const { rerender } = render(<MetricsLine status={status({ state: 'unavailable', message: '<b>503</b>' })} usage="pods" />);
    const line = screen.getByTestId('metrics-state');
    expect(line.textContent).toBe('Metrics unavailable: <b>503</b>');
    expect(line.querySelector('b')).toBeNull();
    expect(line.getAttribute('data-state')).toBe('unavailable');
    rerender(<MetricsLine status={status({ state: 'unavailable' })} usage={undefined} />);
    expect(screen.queryByTestId('metrics-state')).toBeNull();
    rerender(<MetricsLine status={status({ state: 'available' })} usage="pods" />);
    expect(screen.queryByTestId('metrics-state')).toBeNull();
    cleanup();
  });
});

describe('Sparkline', () => {
  it('maps times across and values up, inside the box', () => {
    const d = sparkPath([0, 10, 20], [0, 50, 100], 104, 24);
    expect(d.path).toBe('M2 22L52 12L102 2');
    expect(d.last).toEqual([102, 2]);
  });
  it('draws one point at the right edge and nothing for no points', () => {
    expect(sparkPath([5], [3], 100, 20).path).toBe('M98 2');
    expect(sparkPath([], [], 100, 20)).toEqual({ path: '', last: null });
    expect(sparkPath([0, 1], [0, 0], 100, 20).path).toBe('M2 18L98 18');
  });
  it('renders an SVG with its label', () => {
    render(<Sparkline times={[0, 1]} values={[1, 2]} label="app CPU" />);
    expect(screen.getByRole('img', { name: 'app CPU' }).querySelector('path')).not.toBeNull();
    cleanup();
  });
});

describe('UsageChart', () => {
  afterEach(cleanup);

  it('charts the total and each container, read again when a poll brings measurements', async () => {
    fake.b.usage = {
      state: { state: 'available' }, windowSeconds: 900,
      series: [
        { name: '', points: [{ t: 1000, cpu: 100, memory: 64 << 20 }, { t: 16000, cpu: 300, memory: 96 << 20 }] },
        { name: 'app', points: [{ t: 1000, cpu: 80, memory: 48 << 20 }, { t: 16000, cpu: 250, memory: 64 << 20 }] },
      ],
    };
    const { rerender } = render(<UsageChart generation={1} kind="pods" namespace="shop" name="web-1" usage="pods" status={status({ state: 'available' }, 1)} />);
    await waitFor(() => expect(screen.getAllByTestId('usage-series')).toHaveLength(2));
    const [total, app] = screen.getAllByTestId('usage-series');
    expect(total?.getAttribute('data-name')).toBe('Total');
    expect(total?.querySelector('[data-testid="usage-cpu"]')?.textContent).toBe('300m');
    expect(app?.querySelector('[data-testid="usage-memory"]')?.textContent).toBe('64Mi');
    expect(fake.api.usage).toHaveBeenCalledTimes(1);
    rerender(<UsageChart generation={1} kind="pods" namespace="shop" name="web-1" usage="pods" status={status({ state: 'available' }, 2)} />);
    await waitFor(() => expect(fake.api.usage).toHaveBeenCalledTimes(2));
  });

  it('says why there is nothing to chart', async () => {
    fake.b.usage = { state: { state: 'forbidden' }, windowSeconds: 900, series: [] };
    render(<UsageChart generation={1} kind="nodes" namespace="" name="n1" usage="nodes" status={{ pods: {}, nodes: { state: 'forbidden', message: 'RBAC' }, version: 0, intervalSeconds: 15 }} />);
    expect((await screen.findByTestId('usage-state')).textContent).toBe('Metrics forbidden: RBAC');
  });

  it('formats as the columns do', () => {
    expect(formatCPU(250)).toBe('250m');
    expect(formatMemory(512 << 20)).toBe('512Mi');
    expect(formatMemory(900 << 10)).toBe('900Ki');
  });
});
