import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { status } from '../test/fakeBackend';
import { kindsById } from '../test/kindsFixture';
import { StatusBar } from './StatusBar';

const now = Date.parse('2026-01-01T12:00:00Z');

describe('StatusBar', () => {
  afterEach(cleanup);

  it('shows the context, phase, sync state, objects cached, watches and last change', () => {
    render(
      <StatusBar
        kind="pods"
        kinds={kindsById}
        now={now}
        staleSince={null}
        status={status({
          watches: 2, lastChange: now - 5000,
          kinds: [
            { kind: 'pods', state: 'syncing', count: 1200 },
            { kind: 'nodes', state: 'synced', count: 3 },
            { kind: 'secrets', state: 'pending', count: 0 },
          ],
        })}
      />,
    );
    const bar = screen.getByTestId('status-bar');
    expect(bar.getAttribute('data-phase')).toBe('connected');
    expect(bar.textContent).toContain('demo-admin');
    expect(bar.textContent).toContain('Connected');
    expect(bar.textContent).toContain('Pods syncing');
    expect(bar.textContent).toContain('1/2 kinds synced');
    expect(bar.textContent).toContain(`${(1203).toLocaleString()} objects cached`);
    expect(bar.textContent).toContain('2 watches');
    expect(bar.textContent).toContain('last change 5s ago');
    expect(screen.queryByTestId('status-stale')).toBeNull();
  });

  it('says since when the data is stale once disconnected', () => {
    render(<StatusBar kind="pods" kinds={kindsById} now={now} staleSince={now - 60_000} status={status({ phase: 'error', message: 'connection refused' })} />);
    expect(screen.getByTestId('status-bar').getAttribute('data-phase')).toBe('error');
    expect(screen.getByTestId('status-stale').textContent).toMatch(/^Disconnected · data stale since /);
  });

  it('says reconnecting, with the stale time, while the server is lost', () => {
    render(<StatusBar kind="pods" kinds={kindsById} now={now} staleSince={now - 5_000} status={status({ phase: 'reconnecting', staleSince: now - 5_000 })} />);
    const bar = screen.getByTestId('status-bar');
    expect(bar.getAttribute('data-phase')).toBe('reconnecting');
    expect(bar.textContent).toContain('Reconnecting');
    expect(screen.getByTestId('status-stale')).toBeTruthy();
  });

  it('counts kinds without access as failing', () => {
    render(<StatusBar kind="nodes" kinds={kindsById} now={now} staleSince={null} status={status({ kinds: [{ kind: 'nodes', state: 'forbidden', error: 'no access', count: 0 }] })} />);
    expect(screen.getByTestId('status-bar').textContent).toContain('0/1 kinds synced · 1 failing');
  });

  it('counts failing kinds', () => {
    render(<StatusBar kind="nodes" kinds={kindsById} now={now} staleSince={null} status={status({ kinds: [{ kind: 'nodes', state: 'error', error: 'forbidden', count: 0 }] })} />);
    expect(screen.getByTestId('status-bar').textContent).toContain('0/1 kinds synced · 1 failing');
  });
});
